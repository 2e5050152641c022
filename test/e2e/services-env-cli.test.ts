import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ServiceRecord } from '../../src/core/run-registry.ts'
import { runTestbed, spawnProcess } from '../test-utils/run-cli.ts'
import { type TestProject, testProject } from '../test-utils/test-project.ts'

function lines(...text: string[]): string {
  return `${text.join('\n')}\n`
}

let project: TestProject
let postgres: ServiceRecord

// One PostgreSQL for the file, left running by `services up --detach` as a developer would.
beforeAll(async () => {
  project = testProject('{ db: postgres(), other: postgres() }')
  const up = await runTestbed(['services', 'up', '--detach'], { cwd: project.dir })
  expect(up).toMatchObject({ code: 0 })
  postgres = project.run().record.services.find((service) => service.name === 'db') as ServiceRecord
})

afterAll(async () => {
  await project?.[Symbol.asyncDispose]()
})

describe('services env --format', () => {
  test('dotenv writes NAME="value" lines a .env file and Node --env-file read', async () => {
    const env = await runTestbed(['services', 'env', '--format', 'dotenv'], { cwd: project.dir })
    expect(env).toMatchObject({ code: 0, stderr: '' })
    expect(env.stdout.split('\n')).toContain(`DATABASE_URL="${postgres.url}"`)
    expect(env.stdout.split('\n')).toContain('PGUSER="postgres"')
    const file = join(mkdtempSync(join(tmpdir(), 'testbed-dotenv-')), '.env')
    const script = `'${process.execPath}' '${join(import.meta.dirname, '../../src/cli/bin.ts')}' services env --format dotenv > ${file}
      '${process.execPath}' --env-file=${file} -e 'console.log(process.env.DATABASE_URL === process.env.TESTBED_DB_URL)'`
    const shell = await spawnProcess('bash', ['-c', script], { cwd: project.dir }).exited
    expect(shell).toMatchObject({ code: 0, stdout: 'true\n' })
  })

  test('json prints one object of the same variables', async () => {
    const env = await runTestbed(['services', 'env', '--format', 'json'], { cwd: project.dir })
    const { port, password } = new URL(postgres.url)
    expect(JSON.parse(env.stdout)).toMatchObject({
      TESTBED_DB_URL: postgres.url,
      DATABASE_URL: postgres.url,
      PGHOST: '127.0.0.1',
      PGPORT: port,
      PGUSER: 'postgres',
      PGPASSWORD: password,
      PGDATABASE: 'postgres',
    })
  })

  test('libpq prints a connection string psql takes, of the service --service names', async () => {
    const env = await runTestbed(['services', 'env', '--format', 'libpq', '--service', 'other'], { cwd: project.dir })
    const other = project.run().record.services.find((service) => service.name === 'other') as ServiceRecord
    const { port, password } = new URL(other.url)
    expect(env.stdout).toBe(
      `host='127.0.0.1' port='${port}' user='postgres' password='${password}' dbname='postgres'\n`,
    )
    const script = `psql "$(${process.execPath} ${join(import.meta.dirname, '../../src/cli/bin.ts')} services env --format libpq)" -tAc 'select current_setting($$port$$)'`
    const shell = await spawnProcess('bash', ['-c', script], { cwd: project.dir }).exited
    expect(shell).toMatchObject({ code: 0, stdout: `${new URL(postgres.url).port}\n` })
  })

  test('an unknown format names the formats', async () => {
    const env = await runTestbed(['services', 'env', '--format', 'yaml'], { cwd: project.dir })
    expect(env).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr: lines(
        '[testbed] Invalid value for --format of `testbed services env`: yaml.',
        '--format is one of `shell`, `dotenv`, `json`, `libpq`. Use `--format dotenv` for a .env file, `--format libpq` for `psql "$(npx testbed services env --format libpq)"`.',
        'Read more: node_modules/testbed/docs/errors.md#testbed_cli_invalid_argument',
      ),
    })
  })
})

describe('testbed psql', () => {
  test('runs psql on the service, passing what follows -- to it', async () => {
    const result = await runTestbed(['psql', '--', '-tAc', 'select current_database()'], { cwd: project.dir })
    expect(result).toEqual({ code: 0, signal: null, stdout: 'postgres\n', stderr: '' })
  })

  test('opens a database of the server by name, as a failed test kept it', async () => {
    const created = await runTestbed(['psql', '--', '-c', 'CREATE DATABASE kept_test_1'], { cwd: project.dir })
    expect(created.code).toBe(0)
    const result = await runTestbed(['psql', 'kept_test_1', '--', '-tAc', 'select current_database()'], {
      cwd: project.dir,
    })
    expect(result).toMatchObject({ code: 0, stdout: 'kept_test_1\n' })
  })

  test('exits with psql code when psql fails', async () => {
    const result = await runTestbed(['psql', '--', '-c', 'select nonsense'], { cwd: project.dir })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('column "nonsense" does not exist')
  })

  test('without psql on the machine, says how to get it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'testbed-no-psql-'))
    const result = await runTestbed(['psql'], { cwd: project.dir, env: { TESTBED_POSTGRES_BIN_DIR: empty } })
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr: lines(
        '[testbed] psql is not installed.',
        '`testbed psql` runs the PostgreSQL client, which is not on PATH nor in the folders the `local` provider searches, and the embedded npm packages do not ship it. Install the PostgreSQL client (Debian/Ubuntu: `apt-get install postgresql-client`; macOS: `brew install libpq` and add its bin folder to PATH), or set TESTBED_POSTGRES_BIN_DIR to a folder holding them; `npx testbed doctor` shows which client tools it finds.',
        'Read more: node_modules/testbed/docs/errors.md#testbed_cli_client_missing',
      ),
    })
  })

  test('doctor says which client tools are missing and how to get them, without failing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'testbed-no-psql-'))
    const result = await runTestbed(['doctor'], { cwd: project.dir, env: { TESTBED_POSTGRES_BIN_DIR: empty } })
    expect(result.stdout.split('\n')).toContain(
      '  client tools: ✗ psql, createdb, dropdb, pg_dump not found — to fix: install the PostgreSQL client (Debian/Ubuntu: `apt-get install postgresql-client`; macOS: `brew install libpq` and add its bin folder to PATH), or set TESTBED_POSTGRES_BIN_DIR to a folder holding them',
    )
  })

  test('a --service that names no PostgreSQL service lists the ones that run', async () => {
    const result = await runTestbed(['psql', '--service', 'cache'], { cwd: project.dir })
    expect(result.stderr).toBe(
      lines(
        '[testbed] No running PostgreSQL service has this name: cache.',
        'The running PostgreSQL services are `db`, `other`. Pass one of them: `--service db`.',
        'Read more: node_modules/testbed/docs/errors.md#testbed_cli_invalid_argument',
      ),
    )
  })
})
