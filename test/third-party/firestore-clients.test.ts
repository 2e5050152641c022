// firebase-admin and @google-cloud/firestore against the emulator testbed starts, each test on a
// project of its own as the `firestore` fixture gives it: transactions, batched writes, composite
// filters and listeners.
import type { Filter as FilterClass } from '@google-cloud/firestore'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { FIRESTORE_LIBRARIES, type FirestoreConnection } from '../../src/services/firestore/firestore-client.ts'
import { findFirestoreEmulator } from '../../src/services/firestore/firestore-emulator.ts'
import { FirestoreProjects } from '../../src/services/firestore/firestore-projects.ts'
import { firestore } from '../../src/services/firestore/firestore-service.ts'
import { type ServiceSet, startServices } from '../../src/services/service-set.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

const emulator = await findFirestoreEmulator()
const absent = 'reason' in emulator ? `no Firestore emulator here: ${emulator.reason}; ${emulator.fix}` : null
if (absent) console.warn(`firestore-clients.test.ts skipped: ${absent}`)

let set: ServiceSet
let projects: FirestoreProjects
beforeAll(async () => {
  if (absent) return
  set = await startServices({ firestore: firestore() }, { projectDir: tempDir() })
  projects = new FirestoreProjects(set.services[0]?.url ?? '')
})
afterAll(async () => {
  await projects?.close()
  await set?.stop()
})

// The library's own Filter class: a query accepts only filters of the library its client comes from.
async function filterOf(library: string): Promise<typeof FilterClass> {
  const module =
    library === 'firebase-admin' ? await import('firebase-admin/firestore') : await import('@google-cloud/firestore')
  return module.Filter as typeof FilterClass
}

for (const library of FIRESTORE_LIBRARIES) {
  describe.skipIf(absent !== null).concurrent(library, () => {
    async function withProject(body: (connection: FirestoreConnection) => Promise<void>): Promise<void> {
      const connection = await projects.take(library)
      try {
        await body(connection)
      } finally {
        projects.release(connection)
      }
    }

    test('transactions running at once each read and write consistently', async () => {
      await withProject(async ({ client }) => {
        const counter = client.doc('counters/orders')
        await counter.set({ value: 0 })
        const increment = () =>
          client.runTransaction(async (transaction) => {
            const value = (await transaction.get(counter)).get('value') as number
            transaction.update(counter, { value: value + 1 })
          })
        await Promise.all([increment(), increment(), increment()])
        expect((await counter.get()).get('value')).toBe(3)
      })
    })

    test('a batch writes all or nothing', async () => {
      await withProject(async ({ client }) => {
        const first = client.batch()
        first.set(client.doc('stock/mug'), { count: 5 })
        first.set(client.doc('stock/tea'), { count: 2 })
        await first.commit()
        const failing = client.batch()
        failing.update(client.doc('stock/mug'), { count: 4 })
        failing.update(client.doc('stock/missing'), { count: 1 })
        await expect(failing.commit()).rejects.toThrow(/NOT_FOUND|No document to update/)
        const counts = (await client.collection('stock').orderBy('count').get()).docs.map((doc) => [
          doc.id,
          doc.get('count'),
        ])
        expect(counts).toEqual([
          ['tea', 2],
          ['mug', 5],
        ])
      })
    })

    test('queries with composite filters (or of and)', async () => {
      await withProject(async ({ client }) => {
        const Filter = await filterOf(library)
        const batch = client.batch()
        const reviews = [
          ['r1', 5, 'mug'],
          ['r2', 2, 'mug'],
          ['r3', 4, 'tea'],
          ['r4', 1, 'tea'],
        ] as const
        for (const [id, stars, product] of reviews) batch.set(client.doc(`reviews/${id}`), { stars, product })
        await batch.commit()
        const query = client
          .collection('reviews')
          .where(
            Filter.or(
              Filter.and(Filter.where('product', '==', 'mug'), Filter.where('stars', '>=', 4)),
              Filter.where('stars', '==', 1),
            ),
          )
        const ids = (await query.get()).docs.map((doc) => doc.id).sort()
        expect(ids).toEqual(['r1', 'r4'])
      })
    })

    test('a listener sees documents added after it starts, and stops when unsubscribed', async () => {
      await withProject(async ({ client }) => {
        const sizes: number[] = []
        const waiters: Array<{ size: number; resolve: () => void }> = []
        const sized = (size: number) => new Promise<void>((resolve) => waiters.push({ size, resolve }))
        const empty = sized(0)
        const unsubscribe = client.collection('feed').onSnapshot((snapshot) => {
          sizes.push(snapshot.size)
          for (const waiter of waiters) if (waiter.size === snapshot.size) waiter.resolve()
        })
        await empty
        const two = sized(2)
        await client.collection('feed').add({ text: 'first' })
        await client.collection('feed').add({ text: 'second' })
        await two
        unsubscribe()
        await client.collection('feed').add({ text: 'after unsubscribing' })
        expect(sizes[0]).toBe(0)
        expect(sizes.at(-1)).toBe(2)
      })
    })

    test('sees none of the documents another test wrote', async () => {
      await withProject(async ({ client }) => {
        expect((await client.collection('counters').get()).size).toBe(0)
        expect((await client.collection('reviews').get()).size).toBe(0)
      })
    })
  })
}
