// Per-test isolation on the Firestore emulator, measured every way in one run on one emulator:
// - project per test: a new client bound to a fresh project id, closed after the test;
// - reset per test: one client on one project, emptied by the emulator's REST reset after each test;
// - project per test, prepared ahead: testbed's way (FirestoreProjects): the next project's client is
//   made while a test runs, the finished one closed and emptied after it, off the test's path.
// Against a baseline with no isolation (one client, one project, nothing undone). Each test writes
// 3 documents in a batch and queries them back. The variants take turns test by test, so a busy
// machine weighs on each alike. Prints, per variant, the median test time and the median time of its
// isolation steps on the test's path. Never fails on time.
// Usage: npx node bench/firestore-isolation.ts [--tests N] [--library firebase-admin|@google-cloud/firestore]
import { parseArgs } from 'node:util'
import type { Firestore } from '@google-cloud/firestore'
import { connectFirestore, type FirestoreLibrary } from '../src/services/firestore/firestore-client.ts'
import { FirestoreProjects } from '../src/services/firestore/firestore-projects.ts'
import { resetProject } from '../src/services/firestore/firestore-rest.ts'
import { benchFirestore } from './bench-firestore.ts'
import { micro, summarize } from './sample-stats.ts'

const { values } = parseArgs({
  options: {
    tests: { type: 'string', default: '300' },
    library: { type: 'string', default: '@google-cloud/firestore' },
  },
})
const tests = Number(values.tests)
const library = values.library as FirestoreLibrary
const emulator = await benchFirestore()

/** One test of a variant: the whole test's time, and the time its isolation steps took of it. */
type Variant = (round: number) => Promise<number>

try {
  report(await interleaved())
} finally {
  await emulator.stop()
}

async function testBody(client: Firestore, round: number): Promise<void> {
  const batch = client.batch()
  for (let i = 0; i < 3; i++) batch.set(client.doc(`items/t${round}-${i}`), { round, i })
  await batch.commit()
  await client.collection('items').where('round', '==', round).get()
}

async function interleaved(): Promise<Record<string, { total: number[]; isolation: number[] }>> {
  const baseline = await connectFirestore(emulator.url, 'bench-baseline', library)
  const pooled = await connectFirestore(emulator.url, 'bench-reset', library)
  const projects = new FirestoreProjects(emulator.url)
  await Promise.all([testBody(baseline.client, -1), testBody(pooled.client, -1)])
  const variants: Record<string, Variant> = {
    'no isolation (baseline)': async (round) => {
      await testBody(baseline.client, round)
      return 0
    },
    'project per test': async (round) => {
      let start = performance.now()
      const connection = await connectFirestore(emulator.url, `bench-project-${round}`, library)
      // The first call on a new client opens its channel: a cost of the new project, not of the test.
      await connection.client.listCollections()
      let isolation = performance.now() - start
      await testBody(connection.client, round)
      start = performance.now()
      await connection.close()
      isolation += performance.now() - start
      return isolation
    },
    'reset per test': async (round) => {
      await testBody(pooled.client, round)
      const start = performance.now()
      await resetProject(emulator.url, 'bench-reset')
      return performance.now() - start
    },
    'project per test, prepared ahead (testbed)': async (round) => {
      let start = performance.now()
      const connection = await projects.take(library)
      let isolation = performance.now() - start
      await testBody(connection.client, round)
      start = performance.now()
      projects.release(connection)
      isolation += performance.now() - start
      return isolation
    },
  }
  const results = Object.fromEntries(
    Object.keys(variants).map((name) => [name, { total: [] as number[], isolation: [] as number[] }]),
  )
  for (let round = 0; round < tests; round++) {
    for (const [name, run] of Object.entries(variants)) {
      const start = performance.now()
      const isolation = await run(round)
      results[name]?.total.push(performance.now() - start)
      results[name]?.isolation.push(isolation)
    }
  }
  await Promise.all([baseline.close(), pooled.close(), projects.close()])
  return results
}

function report(results: Record<string, { total: number[]; isolation: number[] }>): void {
  console.log(`${tests} tests each, ${library}, Firestore emulator ${emulator.version}`)
  console.log(`${'variant'.padEnd(44)}test median µs   p95 µs   isolation on the test's path, median µs`)
  for (const [name, samples] of Object.entries(results)) {
    const total = summarize(samples.total)
    const isolation = summarize(samples.isolation)
    console.log(`${name.padEnd(44)}${micro(total.median)}     ${micro(total.p95)}${micro(isolation.median)}`)
  }
}
