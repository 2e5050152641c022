import { spawn } from 'node:child_process'
import { createHash, type Hash } from 'node:crypto'
import {
  closeSync,
  createReadStream,
  createWriteStream,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { stagingName } from '../../providers/abandoned-staging.ts'

// A cache file is this header, then a plain tar: `testbed-archive sha256=<64 hex digits>\n`.
// The checksum travels in the same file, so one rename publishes both; unpacking streams the file
// through the hash on its way into tar, so checking it costs no second read.
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

/** Packs `dir` into `archive` (header + tar), under a private name first: readers see no file or a whole one. */
export async function packArchive(dir: string, archive: string): Promise<void> {
  const staging = stagingName(archive)
  try {
    const fd = openSync(staging, 'w', 0o600)
    writeSync(fd, Buffer.alloc(HEADER_LENGTH))
    closeSync(fd)
    const hash = createHash('sha256')
    const tar = spawn('tar', ['-cf', '-', '-C', dir, '.'], { stdio: ['ignore', 'pipe', 'pipe'] })
    const output = createWriteStream(staging, { flags: 'r+', start: HEADER_LENGTH })
    await Promise.all([pipeline(tar.stdout, tap(hash), output), tarResult(tar)])
    writeHeader(staging, hash.digest('hex'))
    renameSync(staging, archive)
  } catch (error) {
    rmSync(staging, { force: true })
    throw error
  }
}

/** Unpacks `archive` into `dir`; an ArchiveError when the checksum or tar says it is damaged, or the disk is full. */
export async function unpackArchive(archive: string, dir: string): Promise<void> {
  const expected = readHeader(archive)
  if (expected === null) throw new ArchiveError('damaged', 'no testbed checksum header')
  const hash = createHash('sha256')
  const tar = spawn('tar', ['-xpf', '-', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] })
  const input = createReadStream(archive, { start: HEADER_LENGTH, highWaterMark: CHUNK })
  // tar may stop reading early (a full disk): its exit status is the error worth reporting, not EPIPE.
  const streamed = pipeline(input, tap(hash), tar.stdin).catch(() => {})
  const [result] = await Promise.all([tarResult(tar).catch((error: Error) => error), streamed])
  if (result instanceof Error) throw classify(result)
  const actual = hash.digest('hex')
  if (actual !== expected) throw new ArchiveError('damaged', `checksum mismatch (expected ${expected}, got ${actual})`)
}

function tap(hash: Hash): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk)
      done(null, chunk)
    },
  })
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

function writeHeader(path: string, digest: string): void {
  const fd = openSync(path, 'r+')
  try {
    writeSync(fd, `${HEADER_PREFIX}${digest}\n`, 0)
  } finally {
    closeSync(fd)
  }
}

function readHeader(path: string): string | null {
  const fd = openSync(path, 'r')
  try {
    const buffer = Buffer.alloc(HEADER_LENGTH)
    const read = readSync(fd, buffer, 0, HEADER_LENGTH, 0)
    const text = buffer.subarray(0, read).toString('latin1')
    const match = /^testbed-archive sha256=([0-9a-f]{64})\n$/.exec(text)
    return match?.[1] ?? null
  } finally {
    closeSync(fd)
  }
}
