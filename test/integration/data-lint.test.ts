import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { defineFactory } from '../../src/data/factories/define-factory.ts'
import { assertLint, lint } from '../../src/data/factories/lint.ts'
import { createIsolation, type Isolation } from '../../src/isolation/create-isolation.ts'
import { postgres } from '../../src/services/postgres/postgres-service.ts'
import { type ServiceSet, startServices } from '../../src/services/service-set.ts'
import { comment, post, user } from '../data/blog-factories.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

const template = {
  migrations: 'migrations',
  baseDir: fileURLToPath(new URL('../data/blog-schema/', import.meta.url)),
}

interface Broken {
  email: string
  nickname: string
  favouriteColour: string
}
const broken = defineFactory<Broken>()({
  table: 'users',
  defaults: { email: 'e@example.com', nickname: 'nick' },
  traits: { colourful: { favouriteColour: 'red' } },
})
const ghost = defineFactory<{ email: string }>()({ table: 'userz', defaults: { email: 'x' } })
const viaOrm = defineFactory<{ anything: string }>()({
  persist: (attributes) => ({ anything: attributes.anything ?? '' }),
})

let services: ServiceSet
let isolation: Isolation
beforeAll(async () => {
  services = await startServices({ db: postgres() }, { projectDir: tempDir() })
  isolation = await createIsolation(services.services[0]?.url ?? '', { template })
})
afterAll(async () => {
  await isolation.close()
  await services.stop()
})

describe('lint()', () => {
  test('finds nothing wrong with factories that match the schema', async () => {
    const db = await isolation.begin()
    expect(await lint({ user, post, comment, viaOrm }, db)).toEqual([])
    await expect(assertLint([user, post, comment], db)).resolves.toBeUndefined()
    await isolation.rollback(db)
  })

  test('reports unknown tables, attributes with no column (also in traits) and unset NOT NULL columns', async () => {
    const db = await isolation.begin()
    const problems = await lint({ broken, ghost }, db)
    expect(problems.map(({ message, ...rest }) => rest)).toEqual([
      { kind: 'unknown-column', factory: 'broken', table: 'users', attribute: 'nickname', column: 'nickname' },
      {
        kind: 'unknown-column',
        factory: 'broken',
        trait: 'colourful',
        table: 'users',
        attribute: 'favouriteColour',
        column: 'favourite_colour',
      },
      { kind: 'missing-not-null', factory: 'broken', table: 'users', column: 'name' },
      { kind: 'unknown-table', factory: 'ghost', table: 'userz' },
    ])
    await isolation.rollback(db)
  })

  test('assertLint() throws one error listing every problem', async () => {
    const db = await isolation.begin()
    const columns = '`id`, `email`, `name`, `role`, `created_at`'
    await expect(assertLint({ broken, ghost }, db)).rejects.toThrow(
      '[testbed] The factories do not match the database schema: 4 problems.\n' +
        'lint() compared each factory and trait with the table it writes to. Fix each problem below, in the factory or in a migration.\n' +
        `  • broken: attribute \`nickname\` is not a column of \`users\`, whose columns are ${columns}\n` +
        `  • broken.colourful: attribute \`favouriteColour\` (column \`favourite_colour\`) is not a column of \`users\`, whose columns are ${columns}\n` +
        '  • broken: column `users.name` is NOT NULL without a default, and the factory does not set it\n' +
        '  • ghost: table `userz` does not exist (did you mean `users`?)',
    )
    await isolation.rollback(db)
  })
})
