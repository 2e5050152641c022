import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { TestbedError } from '../../core/errors.ts'
import { cacheDir } from '../../core/paths.ts'
import { chownTree, type RunAsUser, spawnIdentity } from '../../providers/run-as-user.ts'
import type { PostgresBinaries } from './postgres-binaries.ts'

const run = promisify(execFile)

// Bump when the arguments or layout change, so old caches are not reused.
const CACHE_FORMAT = 2
// Snapshots are per template content; a few cover switching branches without filling the disk.
const SNAPSHOTS_KEPT = 3
export const SUPERUSER = 'postgres'
// C locale: no dependency on the machine's locales, and the same sort order everywhere.
// 1 MB WAL segments keep the data dir small, so a warm start copies less.
const INITDB_ARGS = ['-U', SUPERUSER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--wal-segsize=1']

/**
 * Fills `dataDir` with a cluster: a saved snapshot (templates included) when `snapshotKey` names
 * one, else unpacked from the initdb cache (warm), else initdb, then cached (cold).
 */
export async function prepareDataDir(
  binaries: PostgresBinaries,
  dataDir: string,
  runAs: RunAsUser | null,
  snapshotKey?: string,
): Promise<'snapshot' | 'warm' | 'cold'> {
  const snapshot = snapshotKey === undefined ? null : snapshotArchive(binaries, snapshotKey)
  if (snapshot && existsSync(snapshot)) {
    await unpack(snapshot, dataDir, runAs)
    touch(snapshot)
    return 'snapshot'
  }
  const cached = cachedCluster(binaries)
  if (existsSync(cached)) {
    await unpack(cached, dataDir, runAs)
    return 'warm'
  }
  await initdb(binaries, dataDir, runAs)
  await storeInCache(dataDir, cached)
  return 'cold'
}

/** A cluster saved after templates were built in it, so the next run starts with them. */
export function snapshotArchive(binaries: PostgresBinaries, key: string): string {
  return cachedCluster(binaries).replace(/\.tar$/, `-snapshot-${key.slice(0, 16)}.tar`)
}

/** Saves a stopped server's data dir as the snapshot for `key`, keeping the few most recently used. */
export async function saveSnapshot(binaries: PostgresBinaries, dataDir: string, key: string): Promise<void> {
  await storeInCache(dataDir, snapshotArchive(binaries, key))
  dropOldSnapshots(binaries)
}

function dropOldSnapshots(binaries: PostgresBinaries): void {
  const prefix = basename(cachedCluster(binaries)).replace(/\.tar$/, '-snapshot-')
  const dir = dirname(cachedCluster(binaries))
  const snapshots = readdirSync(dir)
    .filter((name) => name.startsWith(prefix) && name.endsWith('.tar'))
    .map((name) => ({ path: join(dir, name), used: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.used - a.used)
  for (const old of snapshots.slice(SNAPSHOTS_KEPT)) rmSync(old.path, { force: true })
}

function touch(path: string): void {
  const now = new Date()
  utimesSync(path, now, now)
}

/** The cached cluster of these binaries: one tar file, because writing one file is far cheaper than 1,000. */
export function cachedCluster(binaries: PostgresBinaries): string {
  const key = createHash('sha256')
    .update(JSON.stringify([CACHE_FORMAT, binaries.version, binaries.binDir, INITDB_ARGS]))
    .digest('hex')
    .slice(0, 16)
  return join(cacheDir(), 'postgres-initdb', `${binaries.version}-${key}.tar`)
}

async function initdb(binaries: PostgresBinaries, dataDir: string, runAs: RunAsUser | null): Promise<void> {
  try {
    await run(binaries.initdb, ['-D', dataDir, ...INITDB_ARGS], spawnIdentity(runAs))
  } catch (error) {
    const output = error as { stderr?: string; stdout?: string }
    throw new TestbedError(
      'TESTBED_POSTGRES_INITDB_FAILED',
      {
        what: 'initdb failed while creating a PostgreSQL data dir',
        subject: dataDir,
        why: 'initdb could not create the cluster; its output below says why',
        fix: 'Check that the account servers run as can write to the state dir (TESTBED_STATE_DIR) and that the disk has room',
        details: [
          `command: ${binaries.initdb} -D ${dataDir} ${INITDB_ARGS.join(' ')}`,
          ...`${output.stderr ?? ''}${output.stdout ?? ''}`.trim().split('\n').slice(-8),
        ],
      },
      { cause: error },
    )
  }
}

// tar keeps modes and, as root, owners: the data dir stays owned by the account the server runs as.
async function unpack(archive: string, dataDir: string, runAs: RunAsUser | null): Promise<void> {
  mkdirSync(dataDir, { mode: 0o700 })
  chownTree(dataDir, runAs)
  await run('tar', ['-xpf', archive, '-C', dataDir])
}

// Pack to a private name, then rename: a concurrent run sees either no cache or a whole one.
async function storeInCache(dataDir: string, cached: string): Promise<void> {
  const staging = `${cached}.${process.pid}.tmp`
  try {
    mkdirSync(dirname(cached), { recursive: true })
    await run('tar', ['-cf', staging, '-C', dataDir, '.'])
    renameSync(staging, cached)
  } catch {
    // The cache is not writable: the next start runs initdb again.
    rmSync(staging, { force: true })
  }
}
