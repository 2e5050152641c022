import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Progress } from '../../src/core/progress.ts'
import { cachedCluster } from '../../src/services/postgres/initdb-cache.ts'
import { findEmbeddedBinaries } from '../../src/services/postgres/postgres-binaries.ts'
import { postgres } from '../../src/services/postgres/postgres-service.ts'
import { startServices } from '../../src/services/service-set.ts'
import { pgQuery } from '../test-utils/clients.ts'
import { NOT_ROOT } from '../test-utils/other-account.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

const embedded = await findEmbeddedBinaries()
if (!embedded) throw new Error('the embedded PostgreSQL package is missing: run npm install')
const binaries = embedded
const MB = 1024 * 1024

interface Lines extends Progress {
  warnings: string[]
  /** `snapshot`, `warm` or `cold`, for each start. */
  starts: string[]
}

function recordLines(): Lines {
  const warnings: string[] = []
  const starts: string[] = []
  return {
    warnings,
    starts,
    step() {},
    warn: (line) => warnings.push(line),
    done: (line) => starts.push(/\((\w+) start\)/.exec(line)?.[1] ?? line),
  }
}

async function startAndQuery(progress: Progress): Promise<void> {
  await using set = await startServices({ db: postgres({ provider: 'embedded' }) }, { projectDir: tempDir(), progress })
  expect(await pgQuery(set.services[0]?.url ?? '', 'SELECT 1 AS one')).toEqual([{ one: 1 }])
}

// The offset of the first byte of file data in a tar: past every header, so tar itself cannot notice a change there.
function firstDataByte(tar: Buffer): number {
  for (let offset = 0; offset < tar.length; ) {
    const size = Number.parseInt(
      tar
        .subarray(offset + 124, offset + 136)
        .toString()
        .trim() || '0',
      8,
    )
    if (size > 0) return offset + 512
    offset += 512
  }
  throw new Error('no file with data in the archive')
}

// A pid that no process has any more: a child that already exited.
function deadPid(): number {
  return spawnSync('true').pid
}

let cache: string

beforeEach(() => {
  cache = tempDir('testbed-cache-')
  process.env.TESTBED_CACHE_DIR = cache
})
afterEach(() => {
  delete process.env.TESTBED_CACHE_DIR
})

describe('the initdb cache', () => {
  test('a cold start makes a cluster without page checksums, in the time zone of the machine', async () => {
    await using set = await startServices({ db: postgres({ provider: 'embedded' }) }, { projectDir: tempDir() })
    const url = set.services[0]?.url ?? ''
    // PostgreSQL 18 turns checksums on unless told not to; before 18 they were off by default.
    expect(await pgQuery(url, 'SHOW data_checksums')).toEqual([{ data_checksums: 'off' }])
    expect(await pgQuery(url, 'SHOW TimeZone')).toEqual([
      { TimeZone: Intl.DateTimeFormat().resolvedOptions().timeZone },
    ])
  })

  test('a start deletes staging files that killed runs left, and keeps the one a live run is writing', async () => {
    const dir = join(cache, 'postgres-initdb')
    mkdirSync(dir, { recursive: true })
    const left = [`18.4-0123456789abcdef.tar.${deadPid()}.tmp`, `18.4-x-snapshot-k.tar.${deadPid()}.0a1b2c3d.tmp`]
    const live = `18.4-x-snapshot-k.tar.${process.pid}.99aa00bb.tmp`
    for (const name of [...left, live]) writeFileSync(join(dir, name), 'half a tar')
    await startAndQuery(recordLines())
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([live])
  })

  test('a truncated cache file is deleted with a one-line warning, rebuilt, and used by the next start', async () => {
    await startAndQuery(recordLines())
    const file = cachedCluster(binaries)
    truncateSync(file, Math.floor(statSync(file).size / 2))
    const lines = recordLines()
    await startAndQuery(lines)
    await startAndQuery(lines)
    expect(lines.warnings).toEqual([
      `db: deleted a damaged cache file; this run rebuilds it (tar: Unexpected EOF in archive): ${file}`,
    ])
    expect(lines.starts).toEqual(['cold', 'warm'])
  })

  test('a cache file whose bytes changed after it was checked once fails its checksum and is rebuilt', async () => {
    await startAndQuery(recordLines())
    // The first unpack hashes the file and stamps it, so later ones can trust an unchanged file.
    await startAndQuery(recordLines())
    const file = cachedCluster(binaries)
    expect(existsSync(`${file}.verified`)).toBe(true)
    const bytes = readFileSync(file)
    const header = bytes.subarray(0, bytes.indexOf(10) + 1).toString()
    const flipped = header.length + firstDataByte(bytes.subarray(header.length))
    bytes[flipped] = (bytes[flipped] ?? 0) ^ 0xff
    writeFileSync(file, bytes)
    const expected = /sha256=([0-9a-f]{64})/.exec(header)?.[1]
    const actual = createHash('sha256').update(bytes.subarray(header.length)).digest('hex')
    const lines = recordLines()
    await startAndQuery(lines)
    expect(lines.warnings).toEqual([
      `db: deleted a damaged cache file; this run rebuilds it (checksum mismatch (expected ${expected}, got ${actual})): ${file}`,
    ])
    expect(lines.starts).toEqual(['cold'])
  })
})

describe('a full state dir', () => {
  let mount: string
  let previousStateDir: string | undefined

  beforeEach(({ skip }) => {
    skip(NOT_ROOT, 'only root can mount a small tmpfs')
    mount = tempDir('testbed-full-')
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mount])
    previousStateDir = process.env.TESTBED_STATE_DIR
    process.env.TESTBED_STATE_DIR = join(mount, 'state')
  })
  afterEach(() => {
    if (NOT_ROOT) return
    process.env.TESTBED_STATE_DIR = previousStateDir
    execFileSync('umount', [mount])
  })

  // The run's record takes one 4 kB page of the 2 MB.
  const message = (neededMb: number) =>
    [
      `[testbed] Not enough space in the state dir to start PostgreSQL ${binaries.version} (embedded) for service "db": ${mount}/state.`,
      `The server's data needs about ${neededMb} MB there, and its filesystem has 2.0 MB free. Free space on that filesystem, or move the state dir to a roomier one with TESTBED_STATE_DIR (for example \`export TESTBED_STATE_DIR=/var/tmp/testbed\`).`,
    ].join('\n')

  test('fails with one error naming the dir, the space needed and how to move it (cache unpacked)', async () => {
    const stateDir = process.env.TESTBED_STATE_DIR
    process.env.TESTBED_STATE_DIR = previousStateDir
    await startAndQuery(recordLines())
    process.env.TESTBED_STATE_DIR = stateDir
    const needed = Math.ceil(statSync(cachedCluster(binaries)).size / MB)
    const error = await startAndQuery(recordLines()).catch((thrown: Error) => thrown)
    expect((error as Error).message).toMatch(
      new RegExp(
        `^${escapeRegExp(message(needed))}\\n  • data dir: ${mount}/state/runs/[^/]+/db/data\\nRead more: node_modules/testbed/docs/errors\\.md#testbed_service_state_dir_full$`,
      ),
    )
    expect(readdirSync(join(mount, 'state', 'runs'))).toEqual([])
  })

  test('fails with the same error when initdb runs out of room (no cache yet)', async () => {
    const error = await startAndQuery(recordLines()).catch((thrown: Error) => thrown)
    expect((error as Error).message).toMatch(
      new RegExp(
        `^${escapeRegExp(message(40))}\\n  • data dir: ${mount}/state/runs/[^/]+/db/data\\nRead more: node_modules/testbed/docs/errors\\.md#testbed_service_state_dir_full$`,
      ),
    )
  })
})

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
