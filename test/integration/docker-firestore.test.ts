import { Firestore } from '@google-cloud/firestore'
import { describe, expect, test } from 'vitest'
import { firestore } from '../../src/services/firestore/firestore-service.ts'
import { startServices } from '../../src/services/service-set.ts'
import { docker, FIRESTORE_TEST_IMAGE, firestoreImageMissing } from '../test-utils/container-engine.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

const missing = firestoreImageMissing()

describe.skipIf(missing)(`the Firestore emulator in a container${missing ? ` — skipped: ${missing}` : ''}`, () => {
  test('serves a real client on 127.0.0.1, exports FIRESTORE_EMULATOR_HOST as host:port, and goes with stop()', async () => {
    const set = await startServices(
      { firestore: firestore({ provider: 'docker', image: FIRESTORE_TEST_IMAGE }) },
      { projectDir: tempDir() },
    )
    const service = set.services[0]
    const host = new URL(service?.url ?? '').host
    expect(service?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(set.env()).toMatchObject({ FIRESTORE_EMULATOR_HOST: host })

    const client = new Firestore({ projectId: 'docker-test', host, ssl: false, credentials: {} })
    await client.doc('reviews/r1').set({ stars: 5 })
    expect((await client.doc('reviews/r1').get()).data()).toEqual({ stars: 5 })
    await client.terminate()

    const id = (service?.handle as { type: string; id: string } | undefined)?.id ?? ''
    await set.stop()
    expect(docker(['container', 'inspect', id]).status).not.toBe(0)
  })
})
