// Factories for the blog schema in blog-schema/, shared by the data tests.
import { defineFactory } from '../../src/data/factories/define-factory.ts'

export interface User {
  id: number
  email: string
  name: string
  role: 'member' | 'admin'
  createdAt: Date
}

export interface Post {
  id: number
  authorId: number
  title: string
  body: string | null
  published: boolean
  metadata: unknown
}

export interface Comment {
  id: string
  postId: number
  authorId: number | null
  body: string
}

export const user = defineFactory<User>()({
  table: 'users',
  defaults: {
    email: ({ sequence }) => `user${sequence}@example.com`,
    name: ({ faker, transient }) =>
      transient.shouting ? faker.person.fullName().toUpperCase() : faker.person.fullName(),
  },
  traits: {
    admin: { role: 'admin' },
    loud: { shouting: true },
    named: {
      name: 'Ada Lovelace',
      email: ({ attributes }) => `${attributes.name.split(' ')[0]?.toLowerCase()}@example.com`,
    },
  },
  transient: { shouting: false },
})

export const post = defineFactory<Post>()({
  table: 'posts',
  defaults: {
    title: ({ sequence }) => `Post ${sequence}`,
    body: ({ faker }) => faker.lorem.sentence(),
  },
  traits: { published: { published: true } },
  transient: { comments: 0 },
  associations: { author: user },
  afterCreate: async (row, { transient, factories }) => {
    await factories.factory(comment).createList(transient.comments, { post: row })
  },
})

export const comment = defineFactory<Comment>()({
  table: 'comments',
  defaults: { body: ({ faker }) => faker.lorem.words(3) },
  associations: { post, author: { factory: user, traits: ['admin'] } },
})
