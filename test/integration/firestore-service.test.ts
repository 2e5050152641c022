import { describe, expect, test } from 'vitest'
import { isRunning } from '../../src/core/process-identity.ts'
import { findFirestoreEmulator } from '../../src/services/firestore/firestore-emulator.ts'
import { FirestoreProjects } from '../../src/services/firestore/firestore-projects.ts'
import { readFirestoreSeed } from '../../src/services/firestore/firestore-seed.ts'
import { firestore } from '../../src/services/firestore/firestore-service.ts'
import { startServices } from '../../src/services/service-set.ts'
import { tempDir } from '../test-utils/temp-dir.ts'
import { processOf } from '../test-utils/test-project.ts'

const emulator = await findFirestoreEmulator()
const absent = 'reason' in emulator ? `no Firestore emulator here: ${emulator.reason}; ${emulator.fix}` : null
if (absent) console.warn(`firestore-service.test.ts skipped: ${absent}`)

// Raw REST calls, so the checks do not depend on the code under test.
const owner = { authorization: 'Bearer owner', 'content-type': 'application/json' }
async function restGet(url: string, project: string, path: string): Promise<number> {
  const response = await fetch(`${url}/v1/projects/${project}/databases/(default)/documents/${path}`, {
    headers: owner,
  })
  await response.body?.cancel()
  return response.status
}

describe.skipIf(absent !== null).concurrent('firestore() started by testbed', () => {
  test('serves documents on a loopback port, recorded in the run, and stop() ends it', async () => {
    const set = await startServices({ firestore: firestore() }, { projectDir: tempDir() })
    const [service] = set.services
    expect(service).toMatchObject({ name: 'firestore', kind: 'firestore', provider: 'local' })
    expect(service?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const url = service?.url ?? ''
    const written = await fetch(`${url}/v1/projects/p/databases/(default)/documents/notes?documentId=n1`, {
      method: 'POST',
      headers: owner,
      body: JSON.stringify({ fields: { text: { stringValue: 'hello' } } }),
    })
    expect(written.status).toBe(200)
    expect(await restGet(url, 'p', 'notes/n1')).toBe(200)
    const emulatorProcess = processOf(service)
    expect(emulatorProcess && isRunning(emulatorProcess)).toBe(true)
    await set.stop()
    expect(emulatorProcess && isRunning(emulatorProcess)).toBe(false)
  })

  test('exports TESTBED_FIRESTORE_URL, TESTBED_<NAME>_URL and FIRESTORE_EMULATOR_HOST as host:port', async () => {
    await using set = await startServices({ events: firestore() }, { projectDir: tempDir() })
    const url = set.services[0]?.url ?? ''
    expect(set.env()).toEqual({
      TESTBED_FIRESTORE_URL: url,
      TESTBED_EVENTS_URL: url,
      FIRESTORE_EMULATOR_HOST: new URL(url).host,
    })
  })
})

describe.skipIf(absent !== null)('firestore() with FIRESTORE_EMULATOR_HOST set', () => {
  test('uses that emulator instead of starting one', async () => {
    await using own = await startServices({ firestore: firestore() }, { projectDir: tempDir() })
    const host = new URL(own.services[0]?.url ?? '').host
    process.env.FIRESTORE_EMULATOR_HOST = host
    try {
      await using external = await startServices({ firestore: firestore() }, { projectDir: tempDir() })
      expect(external.services[0]).toMatchObject({ provider: 'external', url: `http://${host}`, handle: null })
    } finally {
      delete process.env.FIRESTORE_EMULATOR_HOST
    }
  })
})

describe.skipIf(absent !== null).concurrent('a project per test (FirestoreProjects)', () => {
  test('tests running at once each see only their own documents, and a finished test leaves nothing', async () => {
    await using set = await startServices({ firestore: firestore() }, { projectDir: tempDir() })
    const url = set.services[0]?.url ?? ''
    const projects = new FirestoreProjects(url)
    const [a, b] = await Promise.all([
      projects.take('@google-cloud/firestore'),
      projects.take('@google-cloud/firestore'),
    ])
    expect(a?.projectId).not.toBe(b?.projectId)
    await Promise.all([a.client.doc('carts/c1').set({ owner: 'a' }), b.client.doc('carts/c2').set({ owner: 'b' })])
    expect((await a.client.collection('carts').get()).docs.map((doc) => doc.id)).toEqual(['c1'])
    expect((await b.client.collection('carts').get()).docs.map((doc) => doc.id)).toEqual(['c2'])
    projects.release(a)
    projects.release(b)
    await projects.close()
    expect(await restGet(url, a.projectId, 'carts/c1')).toBe(404)
    expect(await restGet(url, b.projectId, 'carts/c2')).toBe(404)
  })

  test('two workers on one emulator never pick the same project', async () => {
    await using set = await startServices({ firestore: firestore() }, { projectDir: tempDir() })
    const url = set.services[0]?.url ?? ''
    const workers = [new FirestoreProjects(url), new FirestoreProjects(url)]
    const [first, second] = await Promise.all(workers.map((projects) => projects.take('@google-cloud/firestore')))
    expect(first?.projectId).toMatch(/^testbed-[0-9a-f]{8}-1$/)
    expect(second?.projectId).toMatch(/^testbed-[0-9a-f]{8}-1$/)
    expect(first?.projectId).not.toBe(second?.projectId)
    await Promise.all(workers.map((projects) => projects.close()))
  })

  test('a listener closed by the test lets its client close; one left open is counted, its project still emptied', async () => {
    await using set = await startServices({ firestore: firestore() }, { projectDir: tempDir() })
    const projects = new FirestoreProjects(set.services[0]?.url ?? '')
    const [tidy, leaky] = await Promise.all([projects.take('firebase-admin'), projects.take('firebase-admin')])
    const firstSnapshot = (connection: typeof tidy) =>
      new Promise<() => void>((resolve) => {
        const unsubscribe = connection.client.collection('feed').onSnapshot(() => resolve(unsubscribe))
      })
    const [unsubscribe] = await Promise.all([firstSnapshot(tidy), firstSnapshot(leaky)])
    unsubscribe()
    await leaky.client.doc('feed/f1').set({ text: 'seen by the listener left open' })
    expect(projects.release(tidy)).toBe(0)
    expect(projects.release(leaky)).toBe(1)
    await projects.close()
    expect(await restGet(set.services[0]?.url ?? '', leaky.projectId, 'feed/f1')).toBe(404)
  })

  test('writes the seed into each project before a test takes it', async () => {
    await using set = await startServices({ firestore: firestore() }, { projectDir: tempDir() })
    const seed = await readFirestoreSeed(['catalog.yaml'], new URL('./fixtures/firestore/', import.meta.url).pathname)
    const projects = new FirestoreProjects(set.services[0]?.url ?? '', seed)
    const connection = await projects.take('@google-cloud/firestore')
    const mug = await connection.client.doc('products/mug').get()
    expect(mug.get('name')).toBe('Mug')
    expect(mug.get('addedAt').toDate().toISOString()).toBe('2024-05-01T10:00:00.000Z')
    expect(mug.get('maker').path).toBe('makers/acme')
    expect((await mug.get('maker').get()).get('name')).toBe('ACME')
    const reviews = await connection.client.collection('products/mug/reviews').orderBy('stars').get()
    expect(reviews.docs.map((review) => [review.id, review.get('stars')])).toEqual([
      ['r2', 3],
      ['r1', 5],
    ])
    projects.release(connection)
    await projects.close()
  })
})
