import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  closeSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { open } from 'node:fs/promises'
import { stagingName } from '../../providers/abandoned-staging.ts'

// A cache file is this header, then a plain tar: `testbed-archive sha256=<64 hex digits>\n`.
// The checksum travels in the same file, so one rename publishes both.
const HEADER_PREFIX = 'testbed-archive sha256='
const HEADER_LENGTH = HEADER_PREFIX.length + 64 + 1
const CHUNK = 1024 * 1024
// Keep the end of tar's complaints: a full disk makes it print one line per file.
const STDERR_KEPT = 4096

/** Why an archive could not be unpacked: it is damaged, or the destination's disk is full. */
export class ArchiveError extends Error {
  readonly reason: 'damaged' | 'no-space'

  constructor(reason: 'damaged' | 'no-space', message: string) {
    super(message)
    this.reason = reason
  }
}

/**
 * Packs `dir` into `archive` (header + tar), under a private name first: readers see no file or a
 * whole one. tar writes the file itself (its stdout is the file, past a placeholder header); the
 * hash is taken from the page cache after.
 */
export async function packArchive(dir: string, archive: string): Promise<void> {
  const staging = stagingName(archive)
  try {
    const fd = openSync(staging, 'w', 0o600)
    try {
      writeSync(fd, Buffer.alloc(HEADER_LENGTH))
      await tarResult(spawn('tar', ['-cf', '-', '-C', dir, '.'], { stdio: ['ignore', fd, 'pipe'] }))
      writeSync(fd, `${HEADER_PREFIX}${await digest(staging)}\n`, 0)
    } finally {
      closeSync(fd)
    }
    renameSync(staging, archive)
  } catch (error) {
    rmSync(staging, { force: true })
    throw error
  }
}

/**
 * Unpacks `archive` into `dir`; an ArchiveError when the checksum or tar says it is damaged, or the
 * disk is full. tar reads the file itself (its stdin is the file, past the header) while this
 * process hashes it beside it. Hashing 30 MB costs about what unpacking does, so a file is hashed
 * once: a stamp then records its inode, size and times, which any later write changes.
 */
export async function unpackArchive(archive: string, dir: string): Promise<void> {
  const fd = openSync(archive, 'r')
  try {
    const expected = readHeader(fd)
    if (expected === null) throw new ArchiveError('damaged', 'no testbed checksum header')
    const identity = fileIdentity(fd)
    const verified = readStamp(archive) === identity
    const tar = spawn('tar', ['-xpf', '-', '-C', dir], { stdio: [fd, 'ignore', 'pipe'] })
    const [result, actual] = await Promise.all([
      tarResult(tar).catch((error: Error) => error),
      verified ? expected : digest(archive),
    ])
    if (result instanceof Error) throw classify(result)
    if (actual !== expected)
      throw new ArchiveError('damaged', `checksum mismatch (expected ${expected}, got ${actual})`)
    if (!verified) writeStamp(archive, identity)
  } finally {
    closeSync(fd)
  }
}

/** Deletes a cache file and its stamp. */
export function removeArchive(archive: string): void {
  rmSync(archive, { force: true })
  rmSync(stampOf(archive), { force: true })
}

// A use is recorded on the stamp, not the archive: touching the archive would change its identity.
export function markUsed(archive: string): void {
  const now = new Date()
  try {
    utimesSync(stampOf(archive), now, now)
  } catch {
    // No stamp (it could not be written): the archive's own time stands for its last use.
  }
}

/** When the archive was written or last used, in ms since the epoch. */
export function lastUsed(archive: string): number {
  return Math.max(safeMtime(stampOf(archive)), safeMtime(archive))
}

function safeMtime(path: string): number {
  try {
    return statSync(path).mtimeMs
  } catch {
    return 0
  }
}

function stampOf(archive: string): string {
  return `${archive}.verified`
}

// Nanosecond times: a rewrite within the same second must not look unchanged. ctime cannot be set back.
function fileIdentity(fd: number): string {
  const stats = fstatSync(fd, { bigint: true })
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}\n`
}

function readStamp(archive: string): string | null {
  try {
    return readFileSync(stampOf(archive), 'utf8')
  } catch {
    return null
  }
}

// Best effort: without a stamp, the next unpack hashes the file again.
function writeStamp(archive: string, identity: string): void {
  const staging = stagingName(stampOf(archive))
  try {
    writeFileSync(staging, identity)
    renameSync(staging, stampOf(archive))
  } catch {
    rmSync(staging, { force: true })
  }
}

// One reused buffer: a read stream allocates a buffer per chunk, which doubled the time of hashing 30 MB.
async function digest(archive: string): Promise<string> {
  const hash = createHash('sha256')
  const buffer = Buffer.allocUnsafe(CHUNK)
  const file = await open(archive, 'r')
  try {
    for (let position = HEADER_LENGTH; ; ) {
      const { bytesRead } = await file.read(buffer, 0, CHUNK, position)
      if (bytesRead === 0) return hash.digest('hex')
      hash.update(buffer.subarray(0, bytesRead))
      position += bytesRead
    }
  } finally {
    await file.close()
  }
}

function tarResult(tar: ReturnType<typeof spawn>): Promise<void> {
  let stderr = ''
  tar.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_KEPT)
  })
  return new Promise((resolve, reject) => {
    tar.once('error', reject)
    tar.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar exited with code ${code}\n${stderr}`))))
  })
}

function classify(error: Error): ArchiveError {
  if (error.message.includes('No space left on device')) return new ArchiveError('no-space', error.message)
  // tar's first complaint names the problem (`Unexpected EOF in archive`); the last one only says it gave up.
  const complaint = error.message.split('\n').find((line) => line.startsWith('tar: '))
  return new ArchiveError('damaged', complaint ?? error.message)
}

// Reads at the file's current offset, so the descriptor is left at the start of the tar.
function readHeader(fd: number): string | null {
  const buffer = Buffer.alloc(HEADER_LENGTH)
  const read = readSync(fd, buffer, 0, HEADER_LENGTH, null)
  const match = /^testbed-archive sha256=([0-9a-f]{64})\n$/.exec(buffer.subarray(0, read).toString('latin1'))
  return match?.[1] ?? null
}
