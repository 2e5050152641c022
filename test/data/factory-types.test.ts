// Compile-time checks of the factory types: `npm run typecheck` fails when one breaks.
import { expectTypeOf, test } from 'vitest'
import { defineFactory } from '../../src/data/factories/define-factory.ts'
import { factoriesFor } from '../../src/data/factories/factory-session.ts'
import type { Queryable } from '../../src/data/queryable.ts'
import type { IsolatedDatabase } from '../../src/isolation/isolated-database.ts'
import { type Comment, comment, type Post, post, type User, user } from './blog-factories.ts'

function typesOnly(db: IsolatedDatabase) {
  const factories = factoriesFor(db, { factories: { user, post, comment } })
  return async () => {
    const admin = await factories.user.admin.loud.create({ email: 'x', shouting: true })
    expectTypeOf(admin).toEqualTypeOf<User>()
    const written = await factories.post.create({ author: admin, comments: 2 })
    expectTypeOf(written.author).toEqualTypeOf<User>()
    expectTypeOf(factories.comment.build().post.author.role).toEqualTypeOf<'member' | 'admin'>()
    expectTypeOf(factories.comment.build().author).toEqualTypeOf<User>()
    expectTypeOf(factories.post.attributesFor()).toEqualTypeOf<Partial<Post>>()
    expectTypeOf(await factories.comment.createList(2)).items.toExtend<Comment>()
    expectTypeOf(factories.factory(user).with('admin', 'named').build()).toEqualTypeOf<User>()
    // @ts-expect-error: no such trait
    factories.user.admn
    // @ts-expect-error: no such trait
    factories.user.with('nope')
    // @ts-expect-error: no such factory
    factories.usr
    // @ts-expect-error: no such attribute
    await factories.user.create({ nickname: 'x' })
    // @ts-expect-error: an attribute of the wrong type
    await factories.user.create({ role: 'owner' })
    defineFactory<User>()({
      // @ts-expect-error: a trait cannot take a method's name
      traits: { create: {} },
    })
    defineFactory<Post>()({
      // @ts-expect-error: the associated factory has no such trait
      associations: { author: { factory: user, traits: ['nope'] } },
    })
  }
}

test('a pg.Client, a pool and an IsolatedDatabase are all Queryable', () => {
  expectTypeOf<IsolatedDatabase>().toExtend<Queryable>()
  expectTypeOf<IsolatedDatabase['pool']>().toExtend<Queryable>()
  expectTypeOf<import('pg').Client>().toExtend<Queryable>()
  expectTypeOf(typesOnly).toBeFunction()
})
