import { defineFactory } from 'testbed/data'

interface User {
  id: string
  email: string
  name: string
  passwordHash: string
  isActive: boolean
}

/** Users straight into the table: fast test data that does not go through the API. */
export const userFactory = defineFactory<User>()({
  name: 'user',
  table: 'users',
  defaults: {
    email: ({ sequence }) => `user${sequence}@example.com`,
    name: ({ faker }) => faker.person.fullName(),
    passwordHash: 'scrypt$unused$unused',
    isActive: true,
  },
  traits: {
    inactive: { isActive: false },
  },
})
