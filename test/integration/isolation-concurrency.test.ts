import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ISOLATION_NAMES } from '../../src/isolation/create-isolation.ts'
import { postgres } from '../../src/services/postgres/postgres-service.ts'
import { type ServiceSet, startServices } from '../../src/services/service-set.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

const WORKER = fileURLToPath(new URL('../fixtures/isolation-worker.ts', import.meta.url))
const ROUNDS = 40

interface WorkerReport {
  workerId: string
  rounds: number
  foreignRowsSeen: number
  databases: string[]
}

let services: ServiceSet
beforeAll(async () => {
  services = await startServices({ db: postgres() }, { projectDir: tempDir() })
})
afterAll(() => services.stop())

function runWorker(strategy: string, workerId: string): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, strategy, workerId, String(ROUNDS)], {
      env: { ...process.env, TESTBED_POSTGRES_URL: services.services[0]?.url },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout.trim()) as WorkerReport)
        : reject(new Error(`worker exited ${code}: ${stderr}`)),
    )
  })
}

describe('two worker processes running tests at the same time', () => {
  for (const strategy of ISOLATION_NAMES) {
    test(`${strategy}: no test ever sees another test's rows, and the workers never share a database`, async () => {
      const [a, b] = await Promise.all([runWorker(strategy, 'a'), runWorker(strategy, 'b')])
      expect(a).toMatchObject({ rounds: ROUNDS, foreignRowsSeen: 0 })
      expect(b).toMatchObject({ rounds: ROUNDS, foreignRowsSeen: 0 })
      const shared = a.databases.filter((name) => b.databases.includes(name))
      expect(shared).toEqual([])
      // Sequential tests reuse one database per worker: `database` recycles its clone (decisions/0037).
      expect(a.databases).toHaveLength(1)
    })
  }
})
