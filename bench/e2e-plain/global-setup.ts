// What a team writes by hand: initdb + pg_ctl, redis-server, migrations and seeds into a template database.
// Each worker clones the template once (tests/integration/shop-test.ts) and TRUNCATEs after each test.
import { execFileSync, spawn } from 'node:child_process'
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import pg from 'pg'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    pgPort: number
    redisPort: number
  }
}

// PostgreSQL refuses to run as root.
const asPostgres = process.getuid?.() === 0 ? { uid: userId('-u'), gid: userId('-g') } : {}
const bin = process.env.PG_BIN_DIR as string

export default async function setup(project: TestProject) {
  const dir = mkdtempSync('/dev/shm/plain-e2e-')
  if ('uid' in asPostgres) chownSync(dir, asPostgres.uid, asPostgres.gid)
  const [pgPort, redisPort] = [await freePort(), await freePort()]
  const data = join(dir, 'data')
  execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust'], { ...asPostgres, stdio: 'ignore' })
  const options = `-p ${pgPort} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`
  const pgCtl = (...args: string[]) => execFileSync(join(bin, 'pg_ctl'), args, { ...asPostgres, stdio: 'ignore' })
  pgCtl('start', '-w', '-D', data, '-l', join(dir, 'log'), '-o', options)
  const redis = spawn('redis-server', ['--port', String(redisPort), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  })
  await buildTemplate(pgPort)
  await redisReady(redisPort)
  project.provide('pgPort', pgPort)
  project.provide('redisPort', redisPort)
  return () => {
    pgCtl('stop', '-m', 'fast', '-D', data)
    redis.kill()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function buildTemplate(port: number): Promise<void> {
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' })
  await admin.connect()
  await admin.query('CREATE DATABASE shop_template')
  await admin.end()
  const template = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'shop_template' })
  await template.connect()
  for (const file of ['migrations/001_users.sql', 'migrations/002_orders.sql', 'tests/integration/seed.sql']) {
    await template.query(readFileSync(file, 'utf8'))
  }
  await template.end()
}

async function redisReady(port: number): Promise<void> {
  const client = new Redis({ port, lazyConnect: true, retryStrategy: () => 10 })
  await client.connect()
  await client.ping()
  client.disconnect()
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

function userId(flag: string): number {
  return Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())
}
