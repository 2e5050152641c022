// Firestore emulator: start to first write, testbed's way (the jar run with `java` directly, testbed's
// JVM flags) against `gcloud emulators firestore start` and against the jar with the JVM's default
// flags, in the same rounds, taking turns. "Ready" is the same for all: a document written and read
// back (probeFirestore). Also prints the memory (RSS) each uses once ready, and after a suite of 200
// tests' projects (bench/firestore-isolation.ts's test body). Medians; never fails on time.
// Usage: npx node bench/firestore-start.ts [--rounds N]
import { type ChildProcess, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { findOnPath } from '../src/core/executables.ts'
import { ephemeralPort } from '../src/providers/free-port.ts'
import { findFirestoreEmulator, isEmulator } from '../src/services/firestore/firestore-emulator.ts'
import { FirestoreProjects } from '../src/services/firestore/firestore-projects.ts'
import { probeFirestore } from '../src/services/firestore/firestore-rest.ts'
import { emulatorArgs } from '../src/services/firestore/firestore-server.ts'
import { benchFirestore } from './bench-firestore.ts'
import { summarize } from './sample-stats.ts'

const rounds = Number(parseArgs({ options: { rounds: { type: 'string', default: '3' } } }).values.rounds)
const found = await findFirestoreEmulator()
if (!isEmulator(found)) throw new Error(`no emulator here: ${found.reason}`)
const emulator = found
const gcloud = findOnPath('gcloud')

interface Sample {
  ms: number
  rssMb: number
}
const results: Record<string, Sample[]> = {}
function record(name: string, sample: Sample): void {
  results[name] = [...(results[name] ?? []), sample]
}

for (let round = 0; round < rounds; round++) {
  record('testbed (java -jar, testbed JVM flags)', await testbedStart())
  record('java with default JVM flags', await spawned((port) => [emulator.java.path, defaultFlags(port)]))
  if (gcloud) {
    const args = ['emulators', 'firestore', 'start', `--host-port=127.0.0.1:${0}`]
    record('gcloud emulators firestore start', await spawned((port) => [gcloud, withPort(args, port)]))
  }
}
report()
console.log(`memory after 200 tests' projects (testbed): ${await memoryAfterSuite()} MB RSS`)

async function testbedStart(): Promise<Sample> {
  const started = performance.now()
  const service = await benchFirestore()
  const ms = performance.now() - started
  const rssMb = groupRss(service.pid)
  await service.stop()
  return { ms, rssMb }
}

async function spawned(command: (port: number) => [string, string[]]): Promise<Sample> {
  const port = await ephemeralPort()
  const [file, args] = command(port)
  const started = performance.now()
  const child = spawn(file, args, { detached: true, stdio: 'ignore' })
  try {
    const url = `http://127.0.0.1:${port}`
    while (!(await probeFirestore(url, 1000)).ok) await new Promise((resolve) => setTimeout(resolve, 15))
    return { ms: performance.now() - started, rssMb: groupRss(child.pid ?? 0) }
  } finally {
    await stopGroup(child)
  }
}

function defaultFlags(port: number): string[] {
  return emulatorArgs(emulator.jar, port).filter((arg) => !arg.startsWith('-XX:'))
}

function withPort(args: string[], port: number): string[] {
  return args.map((arg) => arg.replace(':0', `:${port}`))
}

async function memoryAfterSuite(): Promise<number> {
  const service = await benchFirestore()
  const projects = new FirestoreProjects(service.url)
  for (let test = 0; test < 200; test++) {
    const connection = await projects.take('@google-cloud/firestore')
    const batch = connection.client.batch()
    for (let i = 0; i < 3; i++) batch.set(connection.client.doc(`items/t${test}-${i}`), { test, i })
    await batch.commit()
    projects.release(connection)
  }
  await projects.close()
  const rss = groupRss(service.pid)
  await service.stop()
  return rss
}

// The emulator's process and its children (gcloud runs Python, which runs Java), in megabytes.
function groupRss(leader: number): number {
  let kb = 0
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])
      if (group !== leader && Number(entry) !== leader) continue
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1] ?? 0)
    } catch {
      // The process ended while being read.
    }
  }
  return Math.round(kb / 1024)
}

async function stopGroup(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve))
  process.kill(-(child.pid ?? 0), 'SIGTERM')
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))])
  try {
    process.kill(-(child.pid ?? 0), 'SIGKILL')
  } catch {
    // Already gone.
  }
}

function report(): void {
  const base = summarize((results['gcloud emulators firestore start'] ?? []).map((s) => s.ms)).median
  console.log(`${rounds} rounds, emulator ${emulator.version}, Java ${emulator.java.version}`)
  console.log(`${'start to first write'.padEnd(42)}median ms   vs gcloud   RSS MB (median)`)
  for (const [name, samples] of Object.entries(results)) {
    const ms = summarize(samples.map((s) => s.ms)).median
    const rss = summarize(samples.map((s) => s.rssMb)).median
    const ratio = base ? `${(ms / base).toFixed(2)}×` : 'n/a'
    console.log(`${name.padEnd(42)}${ms.toFixed(0).padStart(9)}   ${ratio.padStart(9)}   ${String(rss).padStart(8)}`)
  }
}
