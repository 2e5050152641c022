import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { TestbedError } from '../../core/errors.ts'
import { cacheDir } from '../../core/paths.ts'
import type { Progress } from '../../core/progress.ts'
import { removeAbandonedStaging } from '../../providers/abandoned-staging.ts'
import { chownTree, type RunAsUser, spawnIdentity } from '../../providers/run-as-user.ts'
import { stateDirFull } from '../../providers/service-dir.ts'
import { ArchiveError, lastUsed, markUsed, packArchive, removeArchive, unpackArchive } from './cache-archive.ts'
import type { PostgresBinaries } from './postgres-binaries.ts'

const run = promisify(execFile)

// Bump when the layout changes, so old caches are not reused (the arguments are part of the key already).
const CACHE_FORMAT = 3
// Snapshots are per template content; a few cover switching branches without filling the disk.
const SNAPSHOTS_KEPT = 3
// A fresh cluster with 1 MB WAL segments takes about this much (measured: 39 MB on PostgreSQL 18).
const FRESH_CLUSTER_BYTES = 40 * 1024 * 1024
export const SUPERUSER = 'postgres'
// Password over TCP, trust only on the unix socket, which sits in a folder only the server account
// (and root) can enter: see decisions/0013. C locale: no dependency on the machine's locales, and the
// same sort order everywhere. 1 MB WAL segments keep the data dir small, so a warm start copies less.
const INITDB_ARGS = [
  '-U',
  SUPERUSER,
  '--auth-local=trust',
  '--auth-host=scram-sha-256',
  '-E',
  'UTF8',
  '--locale=C',
  '--no-sync',
  '--wal-segsize=1',
]
// PostgreSQL 18 checksums every page it writes by default: work a throwaway test cluster has no use
// for (no disk to distrust). initdb's own CPU barely moves with it (bench/cold-start.ts). Older
// versions have checksums off and lack the flag.
const INITDB_ARGS_18 = [...INITDB_ARGS, '--no-data-checksums']

/** initdb's arguments for these binaries, after `-D dir`. */
export function initdbArgs(binaries: PostgresBinaries): string[] {
  return Number.parseInt(binaries.version, 10) >= 18 ? INITDB_ARGS_18 : INITDB_ARGS
}

/**
 * initdb's environment: TZ names the machine's time zone, as Node resolved it, so initdb skips its
 * search of the zone files for the one matching the machine's clock (the cluster gets the same zone).
 */
export function initdbEnv(): NodeJS.ProcessEnv {
  return { ...process.env, TZ: process.env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone }
}

/** Where a data dir goes, for whom, and for which service (messages). */
export interface DataDirTarget {
  dataDir: string
  runAs: RunAsUser | null
  /** For messages: `PostgreSQL 18.4 (embedded)` for service "db". */
  label: string
  serviceName: string
  progress: Progress
}

/**
 * Fills `dataDir` with a cluster: a saved snapshot (templates included) when `snapshotKey` names
 * one, else unpacked from the initdb cache (warm), else initdb, then cached (cold). A damaged cache
 * file is deleted with a warning and rebuilt; a full state dir is one clear error.
 */
export async function prepareDataDir(
  binaries: PostgresBinaries,
  target: DataDirTarget,
  snapshotKey?: string,
): Promise<'snapshot' | 'warm' | 'cold'> {
  const cached = cachedCluster(binaries)
  removeAbandonedStaging(dirname(cached))
  const snapshot = snapshotKey === undefined ? null : snapshotArchive(binaries, snapshotKey)
  if (snapshot && (await unpackCached(snapshot, target))) {
    markUsed(snapshot)
    return 'snapshot'
  }
  if (await unpackCached(cached, target)) return 'warm'
  await initdb(binaries, target)
  await storeInCache(target.dataDir, cached)
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
    .map((name) => ({ path: join(dir, name), used: lastUsed(join(dir, name)) }))
    .sort((a, b) => b.used - a.used)
  for (const old of snapshots.slice(SNAPSHOTS_KEPT)) removeArchive(old.path)
}

/** The cached cluster of these binaries: one file, because writing one file is far cheaper than 1,000. */
export function cachedCluster(binaries: PostgresBinaries): string {
  const key = createHash('sha256')
    .update(JSON.stringify([CACHE_FORMAT, binaries.version, binaries.binDir, initdbArgs(binaries), initdbEnv().TZ]))
    .digest('hex')
    .slice(0, 16)
  return join(cacheDir(), 'postgres-initdb', `${binaries.version}-${key}.tar`)
}

async function initdb(binaries: PostgresBinaries, target: DataDirTarget): Promise<void> {
  makeDataDir(target)
  try {
    const env = initdbEnv()
    await run(binaries.initdb, ['-D', target.dataDir, ...initdbArgs(binaries)], { ...spawnIdentity(target.runAs), env })
  } catch (error) {
    const output = error as { stderr?: string; stdout?: string }
    const text = `${output.stderr ?? ''}${output.stdout ?? ''}`
    if (text.includes('No space left on device')) throw noSpace(target, FRESH_CLUSTER_BYTES, error)
    throw new TestbedError(
      'TESTBED_SERVICE_INITDB_FAILED',
      {
        what: 'initdb failed while creating a PostgreSQL data dir',
        subject: target.dataDir,
        why: 'initdb could not create the cluster; its output below says why',
        fix: 'Check that the account servers run as can write to the state dir (TESTBED_STATE_DIR) and that the disk has room',
        details: [
          `command: ${binaries.initdb} -D ${target.dataDir} ${initdbArgs(binaries).join(' ')}`,
          ...lastLines(text),
        ],
      },
      { cause: error },
    )
  }
}

function lastLines(text: string): string[] {
  return text.trim().split('\n').slice(-8)
}

// True when `archive` is now unpacked in the data dir; false when there is none, or it was damaged
// (then it is deleted, with a warning, so this run rebuilds it and the next ones use the new copy).
async function unpackCached(archive: string, target: DataDirTarget): Promise<boolean> {
  if (!existsSync(archive)) return false
  makeDataDir(target)
  try {
    await unpackArchive(archive, target.dataDir)
    return true
  } catch (error) {
    if (!(error instanceof ArchiveError)) throw error
    if (error.reason === 'no-space') throw noSpace(target, statSync(archive).size, error)
    target.progress.warn(
      `${target.serviceName}: deleted a damaged cache file; this run rebuilds it (${error.message}): ${archive}`,
    )
    removeArchive(archive)
    rmSync(target.dataDir, { recursive: true, force: true })
    return false
  }
}

// An empty data dir owned by the account the server runs as; tar keeps modes and, as root, owners.
function makeDataDir(target: DataDirTarget): void {
  if (existsSync(target.dataDir)) return
  mkdirSync(target.dataDir, { mode: 0o700 })
  chownTree(target.dataDir, target.runAs)
}

function noSpace(target: DataDirTarget, neededBytes: number, cause: unknown): TestbedError {
  // What the failed write left would count as used space; it is useless now.
  rmSync(target.dataDir, { recursive: true, force: true })
  return stateDirFull({ ...target, neededBytes }, cause)
}

async function storeInCache(dataDir: string, cached: string): Promise<void> {
  try {
    mkdirSync(dirname(cached), { recursive: true })
    await packArchive(dataDir, cached)
  } catch {
    // The cache is not writable (or full): the next start runs initdb again.
  }
}
