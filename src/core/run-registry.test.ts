import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { tempDir } from '../../test/test-utils/temp-dir.ts'
import { Run } from './run-registry.ts'

test('a run recorded before handles reads as process handles, and an external server as none', () => {
  const dir = tempDir()
  const service = { kind: 'postgres', provider: 'local', url: 'postgresql://127.0.0.1:1/postgres', version: '16' }
  const old = {
    id: 'old',
    owner: { pid: 1, startTime: null },
    detached: false,
    projectDir: dir,
    configHash: 'x',
    createdAt: new Date().toISOString(),
    services: [
      { ...service, name: 'db', process: { pid: 7, startTime: '9' }, stopSignal: 'SIGINT' },
      { ...service, name: 'outside', provider: 'external', process: null, stopSignal: 'SIGTERM' },
    ],
  }
  writeFileSync(join(dir, 'run.json'), JSON.stringify(old))
  expect(Run.read(dir)?.record.services).toEqual([
    { ...service, name: 'db', handle: { type: 'process', process: { pid: 7, startTime: '9' }, stopSignal: 'SIGINT' } },
    { ...service, name: 'outside', provider: 'external', handle: null },
  ])
})
