// Seeding 100 Firestore documents (20 products, each with 4 reviews in a subcollection, with
// timestamps and references) into a fresh project: testbed's seed (a YAML file parsed once, written
// through the test's client in one batch, or in one REST commit) against writing the same documents through @google-cloud/firestore,
// one `set()` at a time and in one `batch()`. Same emulator, variants taking turns. Medians; never fails on time.
// Usage: npx node bench/firestore-seed.ts [--rounds N]
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { Firestore } from '@google-cloud/firestore'
import { stringify } from 'yaml'
import { connectFirestore, type FirestoreConnection } from '../src/services/firestore/firestore-client.ts'
import { commitWrites } from '../src/services/firestore/firestore-rest.ts'
import { readFirestoreSeed } from '../src/services/firestore/firestore-seed.ts'
import { writeSeed } from '../src/services/firestore/seed-writer.ts'
import { benchFirestore } from './bench-firestore.ts'
import { micro, summarize } from './sample-stats.ts'

const rounds = Number(parseArgs({ options: { rounds: { type: 'string', default: '30' } } }).values.rounds)
const emulator = await benchFirestore()
const dir = mkdtempSync(join(tmpdir(), 'testbed-seed-bench-'))
writeFileSync(join(dir, 'catalog.yaml'), stringify(catalog()))

try {
  const parseStart = performance.now()
  const seed = await readFirestoreSeed(['catalog.yaml'], dir)
  const parseMs = performance.now() - parseStart
  const results: Record<string, number[]> = {
    'testbed seed (client batch, used)': [],
    'testbed seed (REST commit)': [],
    'client set() one by one': [],
    'client batch()': [],
  }
  for (let round = 0; round < rounds; round++) {
    results['testbed seed (client batch, used)']?.push(
      await withClient(`seed-batch-${round}`, (_client, connection) =>
        writeSeed(connection, seed.writesFor(`seed-batch-${round}`)),
      ),
    )
    results['testbed seed (REST commit)']?.push(
      await timed(() => commitWrites(emulator.url, `seed-${round}`, seed.writesFor(`seed-${round}`))),
    )
    results['client set() one by one']?.push(await withClient(`one-${round}`, (client) => oneByOne(client)))
    results['client batch()']?.push(await withClient(`batch-${round}`, (client) => batched(client)))
  }
  console.log(
    `${seed.size} documents, ${rounds} rounds, emulator ${emulator.version}; parsing the YAML once: ${parseMs.toFixed(1)} ms`,
  )
  const base = summarize(results['client set() one by one'] ?? []).median
  for (const [name, samples] of Object.entries(results)) {
    const median = summarize(samples).median
    console.log(`${name.padEnd(34)}${micro(median)} µs   ${(median / base).toFixed(2)}× one by one`)
  }
} finally {
  await emulator.stop()
}

function catalog(): Record<string, unknown> {
  const products: Record<string, unknown> = {}
  for (let p = 0; p < 20; p++) {
    const reviews: Record<string, unknown> = {}
    for (let r = 0; r < 4; r++) {
      reviews[`r${r}`] = {
        stars: 1 + ((p + r) % 5),
        text: `review ${r} of product ${p}`,
        at: { $timestamp: `2024-05-${10 + r}T10:00:00Z` },
        product: { $ref: `products/p${p}` },
      }
    }
    products[`p${p}`] = {
      name: `Product ${p}`,
      price: 10 + p / 4,
      addedAt: { $timestamp: '2024-05-01T10:00:00Z' },
      $collections: { reviews },
    }
  }
  return { products }
}

function documents(client: Firestore): Array<[FirebaseFirestore.DocumentReference, Record<string, unknown>]> {
  const all: Array<[FirebaseFirestore.DocumentReference, Record<string, unknown>]> = []
  for (let p = 0; p < 20; p++) {
    const product = client.doc(`products/p${p}`)
    all.push([product, { name: `Product ${p}`, price: 10 + p / 4, addedAt: new Date('2024-05-01T10:00:00Z') }])
    for (let r = 0; r < 4; r++) {
      const data = {
        stars: 1 + ((p + r) % 5),
        text: `review ${r} of product ${p}`,
        at: new Date(`2024-05-${10 + r}T10:00:00Z`),
        product,
      }
      all.push([product.collection('reviews').doc(`r${r}`), data])
    }
  }
  return all
}

async function oneByOne(client: Firestore): Promise<void> {
  for (const [ref, data] of documents(client)) await ref.set(data)
}

async function batched(client: Firestore): Promise<void> {
  const batch = client.batch()
  for (const [ref, data] of documents(client)) batch.set(ref, data)
  await batch.commit()
}

// The client is made and warmed before the clock starts: only the writes are timed, as for testbed's seed.
async function withClient(
  projectId: string,
  write: (client: Firestore, connection: FirestoreConnection) => Promise<void>,
): Promise<number> {
  const connection = await connectFirestore(emulator.url, projectId, '@google-cloud/firestore')
  await connection.client.listCollections()
  const ms = await timed(() => write(connection.client, connection))
  await connection.close()
  return ms
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await run()
  return performance.now() - start
}
