import { describe, expect, test } from 'vitest'
import { findFirestoreEmulator } from '../../src/services/firestore/firestore-emulator.ts'
import { expectPassed, RESULTS, type VitestProject, vitestProject } from '../test-utils/vitest-project.ts'

// The `firestore` fixture in throwaway projects, each run starting its own emulator.
const emulator = await findFirestoreEmulator()
const absent = 'reason' in emulator ? `no Firestore emulator here: ${emulator.reason}; ${emulator.fix}` : null
if (absent) console.warn(`vitest-firestore.test.ts: the runs that need the emulator are skipped: ${absent}`)

const CONFIG = `import { defineConfig, firestore } from 'testbed'
export default defineConfig({ services: { events: firestore({ seeds: ['tests/integration/seed.yaml'] }) } })
`
const VITEST_CONFIG = `import { testbed } from 'testbed/vitest/config'
import { defineConfig } from 'vitest/config'
export default defineConfig({ plugins: [testbed()] })
`
const SEED = `products:
  mug:
    name: Mug
    addedAt: { $timestamp: '2024-05-01T10:00:00Z' }
    maker: { $ref: makers/acme }
    $collections:
      reviews:
        r1: { stars: 5 }
makers:
  acme: { name: ACME }
`

// Each test of a block writes a document of its own and finds only that one, next to the seed.
function isolatedTests(label: string): string {
  return `for (const name of ['a', 'b', 'c', 'd']) {
  test.concurrent('${label} test ' + name + ' sees the seed and only its own documents', async ({ firestore, firestoreProject }) => {
    expect((await firestore.doc('products/mug').get()).get('name')).toBe('Mug')
    expect((await firestore.doc('products/mug').get()).get('maker').path).toBe('makers/acme')
    await firestore.doc('carts/' + name).set({ owner: name, project: firestoreProject.projectId })
    await new Promise((resolve) => setTimeout(resolve, 50))
    const carts = await firestore.collection('carts').get()
    expect(carts.docs.map((doc) => doc.id)).toEqual([name])
  })
}
`
}

const FILES = {
  'testbed.config.ts': CONFIG,
  'vitest.config.ts': VITEST_CONFIG,
  'tests/integration/seed.yaml': SEED,
  'tests/integration/admin.test.ts': `import { expect, test } from 'testbed/vitest'
${isolatedTests('firebase-admin')}
test('the default client is firebase-admin, whose Firestore class is its own copy', async ({ firestore }) => {
  const { Firestore } = await import('firebase-admin/firestore')
  expect(firestore).toBeInstanceOf(Firestore)
})
test('the worker has FIRESTORE_EMULATOR_HOST, so a client the app makes on the test project sees its documents', async ({ firestore, firestoreProject }) => {
  expect(process.env.FIRESTORE_EMULATOR_HOST).toBe(firestoreProject.host)
  await firestore.doc('notes/n1').set({ text: 'from the fixture' })
  const { Firestore } = await import('@google-cloud/firestore')
  const own = new Firestore({ projectId: firestoreProject.projectId })
  expect((await own.doc('notes/n1').get()).get('text')).toBe('from the fixture')
  await own.terminate()
})
test('a listener left open fails its test', async ({ firestore }) => {
  await new Promise((resolve) => firestore.collection('feed').onSnapshot(resolve))
})
`,
  'tests/integration/gcloud.test.ts': `import { expect, test } from 'testbed/vitest'
test.override({ firestoreClient: '@google-cloud/firestore' })
${isolatedTests('@google-cloud/firestore')}
test('test.override picks @google-cloud/firestore', async ({ firestore }) => {
  const { Firestore } = await import('@google-cloud/firestore')
  expect(firestore).toBeInstanceOf(Firestore)
})
`,
}

function failureOf(project: VitestProject, fullName: string): string | undefined {
  const results = JSON.parse(project.read('.results.json')) as {
    testResults: Array<{ assertionResults: Array<{ fullName: string; failureMessages: string[] }> }>
  }
  const found = results.testResults.flatMap((file) => file.assertionResults).find((t) => t.fullName === fullName)
  return found?.failureMessages[0]?.split('\n    at ')[0]
}

describe.skipIf(absent !== null)('the firestore fixture', () => {
  test('gives each test, concurrent or in another worker, its own seeded project, with either client library', async () => {
    const project = vitestProject('firestore-fixture', FILES)
    const result = await project.testbed(['test', '--integration', '--maxWorkers=2', ...RESULTS], { TESTBED_QUIET: '' })
    expect(result.code, result.stdout + result.stderr).toBe(1)
    const expected: Record<string, string> = {
      'a listener left open fails its test': 'failed',
      'test.override picks @google-cloud/firestore': 'passed',
      'the default client is firebase-admin, whose Firestore class is its own copy': 'passed',
      'the worker has FIRESTORE_EMULATOR_HOST, so a client the app makes on the test project sees its documents':
        'passed',
    }
    for (const label of ['firebase-admin', '@google-cloud/firestore']) {
      for (const name of ['a', 'b', 'c', 'd'])
        expected[`${label} test ${name} sees the seed and only its own documents`] = 'passed'
    }
    expect(project.results()).toEqual(expected)
    expect(failureOf(project, 'a listener left open fails its test')).toBe(
      'TestbedError: [testbed] The test left Firestore listeners open: 1 onSnapshot listener.\n' +
        "The `firestore` fixture closes each test's client after it, and a client with listeners open cannot be closed; a listener that outlives its test also runs code after it. " +
        'Call the function `onSnapshot` returns before the test ends (`const stop = query.onSnapshot(…)` … `stop()`).\n' +
        'Read more: node_modules/testbed/docs/errors.md#testbed_vitest_firestore_listeners_open',
    )
    expect(result.stderr).toMatch(/^… events: starting Firestore emulator .*\n/m)
    const doctor = await project.testbed(['doctor'])
    expect(doctor.stdout).toMatch(
      /^ {2}✓ local {5}emulator \S+ at \S+cloud-firestore-emulator\.jar, Java \S+ at \S+java$/m,
    )
    expect(doctor.stdout).toContain('  → would use local: the first available in the order external → local → docker\n')
  })
})

test('without the emulator, the tests that use the firestore fixture are skipped with one line, and doctor says why', async () => {
  const files = {
    ...FILES,
    'tests/integration/plain.test.ts': `import { expect, test } from 'testbed/vitest'
test('needs no Firestore', () => expect(1).toBe(1))
`,
  }
  const project = vitestProject('firestore-absent', files)
  const env = {
    PATH: '/nonexistent',
    CLOUDSDK_ROOT_DIR: '/nonexistent',
    DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    TESTBED_QUIET: '',
  }
  const result = await project.testbed(['test', '--integration', ...RESULTS], env)
  expectPassed(result)
  expect(result.stderr).toContain(
    '! events: no Firestore emulator on this machine, so the tests that use it are skipped. To get it: install it (Debian/Ubuntu: apt-get install google-cloud-cli-firestore-emulator; elsewhere: gcloud components install cloud-firestore-emulator), or set FIRESTORE_EMULATOR_HOST to a running emulator; `npx testbed doctor` says what is missing.\n',
  )
  const statuses = Object.entries(project.results())
  expect(statuses.filter(([, status]) => status === 'passed').map(([name]) => name)).toEqual(['needs no Firestore'])
  expect(statuses.filter(([, status]) => status === 'skipped')).toHaveLength(12)
  const doctor = await project.testbed(['doctor'], env)
  expect(doctor.stdout).toContain('Firestore emulator — service "events"\n')
  expect(doctor.stdout).toContain(
    '  ✗ external  FIRESTORE_EMULATOR_HOST is not set — to fix: set FIRESTORE_EMULATOR_HOST to use a running server\n',
  )
  expect(doctor.stdout).toContain(
    '  ✗ local     no Cloud Firestore emulator on PATH or in the Google Cloud SDK — to fix: install it (Debian/Ubuntu: apt-get install google-cloud-cli-firestore-emulator; elsewhere: gcloud components install cloud-firestore-emulator), or set FIRESTORE_EMULATOR_HOST to a running emulator\n',
  )
}, 120_000)
