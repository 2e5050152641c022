import { describe, expect, expectTypeOf, test } from 'vitest'
import { comment, post, type User, user } from '../../../test/data/blog-factories.ts'
import type { Queryable } from '../queryable.ts'
import { defineFactory } from './define-factory.ts'
import { factoriesFor } from './factory-session.ts'

const noDatabase: Queryable = {
  query: () => Promise.reject(new Error('build and attributesFor never query')),
}

function session(seed = 42) {
  return factoriesFor(noDatabase, { factories: { user, post, comment }, seed, key: 'build.test' })
}

describe('build', () => {
  test('fills defaults from values, sequences and faker, and lets overrides win', () => {
    const built = session().user.build({ role: 'admin' })
    expect(built).toEqual({
      email: expect.stringMatching(/^user\d+@example\.com$/),
      name: expect.any(String),
      role: 'admin',
    })
  })

  test('builds associations too, persisting nothing', () => {
    const built = session().comment.build()
    expect(built.post.author.email).toMatch(/@example\.com$/)
    expect(built.author.role).toBe('admin')
    expect(built).not.toHaveProperty('postId')
  })

  test('uses a given association object, or a given foreign key instead of building one', () => {
    const factories = session()
    const author = { ...factories.user.build(), id: 7 } as User
    expect(factories.post.build({ author })).toMatchObject({ authorId: 7, author: { id: 7 } })
    expect(factories.post.build({ authorId: 9 })).not.toHaveProperty('author')
    expect(factories.post.build({ authorId: 9 }).authorId).toBe(9)
  })

  test('applies traits in order, composed as properties or with with()', () => {
    const factories = session()
    expect(factories.user.admin.named.build()).toMatchObject({
      role: 'admin',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
    })
    expect(factories.user.with('admin', 'named').build()).toMatchObject({ role: 'admin', email: 'ada@example.com' })
  })

  test('passes transient params to defaults without writing them, set by a trait or an override', () => {
    const factories = session()
    const loud = factories.user.loud.build()
    expect(loud.name).toBe(loud.name.toUpperCase())
    expect(loud).not.toHaveProperty('shouting')
    expect(factories.user.build({ shouting: true }).name).toMatch(/^[^a-z]+$/)
  })

  test('buildList gives each object its own sequence number, overrides by index when a function', () => {
    const emails = session().user.buildList(3, (index) => ({ name: `n${index}` }))
    expect(new Set(emails.map((each) => each.email)).size).toBe(3)
    expect(emails.map((each) => each.name)).toEqual(['n0', 'n1', 'n2'])
  })
})

describe('attributesFor', () => {
  test('gives the attributes alone, for a request body: no associations, no foreign key', () => {
    const body = session().post.attributesFor({ title: 'Hi' })
    expect(body).toEqual({ title: 'Hi', body: expect.any(String) })
    expectTypeOf(body).toEqualTypeOf<Partial<import('../../../test/data/blog-factories.ts').Post>>()
  })
})

describe('seeded faker', () => {
  test('the same seed and key replay the same values; another key draws others', () => {
    const names = (seed: number, key: string) =>
      factoriesFor(noDatabase, { seed, key })
        .factory(user)
        .buildList(3)
        .map((each) => each.name)
    expect(names(1234, 'a')).toEqual(names(1234, 'a'))
    expect(names(1234, 'a')).not.toEqual(names(1234, 'b'))
    expect(names(1234, 'a')).not.toEqual(names(99, 'a'))
  })

  test('TESTBED_SEED overrides the seed given in code', () => {
    process.env.TESTBED_SEED = '777'
    try {
      expect(session(42).seed).toBe(777)
    } finally {
      delete process.env.TESTBED_SEED
    }
  })

  test('reports the seed after a failed test that used faker, and only then', () => {
    const printed: string[] = []
    const factories = session(1234)
    expect(factories.reportSeed({ state: 'fail' }, (line) => printed.push(line))).toBeUndefined()
    factories.user.build()
    expect(factories.reportSeed({ state: 'pass' }, (line) => printed.push(line))).toBeUndefined()
    expect(factories.reportSeed({ state: 'fail' }, (line) => printed.push(line))).toBe(
      'faker seed: 1234 (rerun with TESTBED_SEED=1234)',
    )
    expect(printed).toEqual(['faker seed: 1234 (rerun with TESTBED_SEED=1234)'])
  })

  test('rejects a TESTBED_SEED that is not a whole number', () => {
    process.env.TESTBED_SEED = 'abc'
    try {
      expect(() => session()).toThrow(
        '[testbed] Invalid TESTBED_SEED: `abc`.\n' +
          'The seed is a whole number, as printed after a failed test (`faker seed: 1234`). ' +
          'Set TESTBED_SEED to that number, or unset it for a random seed.',
      )
    } finally {
      delete process.env.TESTBED_SEED
    }
  })
})

describe('persist', () => {
  test('create() hands the attributes to a persist function, for an ORM', async () => {
    const saved: unknown[] = []
    const account = defineFactory<{ id: number; handle: string }>()({
      defaults: { handle: ({ sequence }) => `h${sequence}` },
      persist: (attributes, { factory }) => {
        saved.push({ attributes, factory })
        return { id: saved.length, handle: attributes.handle ?? '' }
      },
    })
    const created = await factoriesFor(noDatabase).factory(account).create({ handle: 'x' })
    expect(created).toEqual({ id: 1, handle: 'x' })
    expect(saved).toEqual([{ attributes: { handle: 'x' }, factory: 'factory' }])
  })
})

describe('bad input', () => {
  test('an unknown factory lists the known ones and suggests the closest', () => {
    expect(() => (session() as unknown as Record<string, unknown>).usr).toThrow(
      '[testbed] Unknown factory: `usr`.\n' +
        'factoriesFor() was given the factories `user`, `post`, `comment`. ' +
        'Did you mean `user`? Otherwise, add it to the `factories` option of factoriesFor(), or use `factories.factory(it)`.',
    )
  })

  test('an unknown trait lists the known ones and suggests the closest', () => {
    expect(() => (session().user as unknown as Record<string, unknown>).admn).toThrow(
      '[testbed] Unknown trait of factory `user`: `admn`.\n' +
        'The factory declares the traits `admin`, `loud`, `named`. ' +
        'Did you mean `admin`? Otherwise, declare it under `traits` in defineFactory(), or correct the name.',
    )
    expect(() => session().user.with('nope' as 'admin')).toThrow(
      '[testbed] Unknown trait of factory `user`: `nope`.\n' +
        'The factory declares the traits `admin`, `loud`, `named`. ' +
        'Declare it under `traits` in defineFactory(), or correct the name.',
    )
  })

  test('defaults that read each other in a cycle name the cycle', () => {
    const loop = defineFactory<{ a: string; b: string }>()({
      name: 'loop',
      defaults: { a: ({ attributes }) => attributes.b, b: ({ attributes }) => attributes.a },
    })
    expect(() => factoriesFor(noDatabase).factory(loop).build()).toThrow(
      '[testbed] The defaults of factory `loop` read each other in a cycle: a → b → a.\n' +
        'Each of these defaults reads the next through `attributes`, so none of them can be computed first. ' +
        'Make one of them a plain value, or pass one as an override.',
    )
  })

  test('a trait named like a method is refused when the factory is defined', () => {
    expect(() => defineFactory<{ a: string }>()({ name: 'thing', traits: { create: {} } as never })).toThrow(
      '[testbed] Invalid definition of factory `thing`: trait `create`.\n' +
        'Traits are properties next to the methods `build`, `buildList`, `create`, `createList`, `attributesFor`, `with`, `then`. ' +
        'Rename the trait.',
    )
  })

  test('an association naming an unknown trait is refused when the factory is defined', () => {
    expect(() =>
      defineFactory<{ authorId: number }>()({
        associations: { author: { factory: user, traits: ['admn' as 'admin'] } },
      }),
    ).toThrow(
      '[testbed] Unknown trait of factory `users`: `admn`.\n' +
        'The factory declares the traits `admin`, `loud`, `named`. ' +
        'Did you mean `admin`? Otherwise, declare it under `traits` in defineFactory(), or correct the name.',
    )
  })

  test('a factory without table or persist cannot create', async () => {
    const plain = defineFactory<{ a: string }>()({ name: 'plain', defaults: { a: 'x' } })
    expect(factoriesFor(noDatabase).factory(plain).build()).toEqual({ a: 'x' })
    await expect(factoriesFor(noDatabase).factory(plain).create()).rejects.toThrow(
      '[testbed] Factory `plain` cannot create(): it has neither `table` nor `persist`.\n' +
        'Without them the factory can build() and attributesFor(), but has nowhere to write. ' +
        'Add `table` (INSERT … RETURNING) or `persist` (your ORM) to its definition.',
    )
  })

  test('matchers and inspectors can look at a session without tripping the unknown-name error', () => {
    const factories = session()
    expect(String(Object.keys(factories))).toContain('seed')
    expect((factories as unknown as { then?: unknown }).then).toBeUndefined()
    expect((factories.user as unknown as { toJSON?: unknown }).toJSON).toBeUndefined()
  })
})
