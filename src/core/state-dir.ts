import { chmodSync, lstatSync, mkdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs'
import { dirname } from 'node:path'
import { describeCause, TestbedError } from './errors.ts'
import { stateDir } from './paths.ts'

/**
 * The state dir, made private (mode 0700, in one `mkdir`) when absent, and checked before anything
 * in it is trusted: a real directory, owned by the current account, that no other account can write
 * to. testbed signals the processes its run records name, so a folder someone else made first could
 * make it signal theirs (decisions/0012). Throws TESTBED_STATE_DIR_UNSAFE otherwise.
 */
export function privateStateDir(): string {
  const dir = stateDir()
  create(dir)
  const problem = unsafety(dir, lstatSync(dir))
  if (problem) throw unsafeStateDir(dir, problem)
  return dir
}

/**
 * Lets other accounts pass through `dir` (mode o+x, never o+w): when testbed runs as root, servers run
 * as another account, which must reach its data dir below.
 */
export function letServersThrough(dir: string): void {
  if (process.getuid?.() !== 0) return
  const mode = lstatSync(dir).mode
  if ((mode & 0o011) !== 0o011) chmodSync(dir, mode | 0o011)
}

function create(dir: string): void {
  try {
    mkdirSync(dirname(dir), { recursive: true })
    mkdirSync(dir, { mode: 0o700 })
  } catch (error) {
    // An existing state dir is checked next; anything else in the way is not writable.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !exists(dir))
      throw stateDirNotWritable(dir, 'this run', error)
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path)
    return true
  } catch {
    return false
  }
}

function unsafety(dir: string, stats: Stats): string | null {
  if (stats.isSymbolicLink()) return `It is a symbolic link (to ${readlinkSync(dir)})`
  if (!stats.isDirectory()) return 'It is not a directory'
  const uid = process.getuid?.()
  // Without uids (Windows) there is no other account to fear, and no mode bits to read.
  if (uid === undefined) return null
  if (stats.uid !== uid)
    return `It belongs to ${account(stats.uid)}, not to ${account(uid)}, the account testbed runs as`
  if ((stats.mode & 0o022) !== 0) return `Its mode ${(stats.mode & 0o7777).toString(8)} lets other accounts write to it`
  return null
}

function account(uid: number): string {
  const line = safeRead('/etc/passwd')
    .split('\n')
    .find((entry) => entry.split(':')[2] === String(uid))
  const name = line?.split(':')[0]
  return name ? `${name} (uid ${uid})` : `uid ${uid}`
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

function unsafeStateDir(dir: string, problem: string): TestbedError {
  return new TestbedError('TESTBED_STATE_DIR_UNSAFE', {
    what: 'Refusing to use the state dir',
    subject: dir,
    why: `${problem}; testbed stops the processes its run records name, so it keeps them only in a folder that is yours and that no other account can write to (in a shared folder such as /dev/shm or /tmp, any account can make that folder first)`,
    fix: `Delete it if nothing of yours is in it (\`rm -rf '${dir}'\`), or point TESTBED_STATE_DIR at a folder of your own`,
  })
}

export function stateDirNotWritable(dir: string, serviceName: string, cause: unknown): TestbedError {
  return new TestbedError(
    'TESTBED_SERVICE_DATA_DIR_NOT_WRITABLE',
    {
      what: `Cannot create a data dir for ${serviceName} under the state dir`,
      subject: dir,
      why: `testbed keeps each server's data, socket and log there, and creating a folder in it failed (${describeCause(cause)})`,
      fix: 'Point TESTBED_STATE_DIR at a writable folder, or make that one writable',
    },
    { cause },
  )
}
