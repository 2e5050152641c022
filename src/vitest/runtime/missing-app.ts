import { TestbedError } from '../../core/errors.ts'

/** The `api` fixture's error when the user has not told testbed how to build the app. */
export function missingApp(): TestbedError {
  return new TestbedError('TESTBED_VITEST_NO_APP', {
    what: 'The `api` fixture has no app to call',
    subject: 'app',
    why: '`api` calls your app in-process, and testbed cannot know how to build it',
    fix: "Provide it once, e.g. `export const test = base.extend({ app: async ({ db }, use) => use(createApp({ db: db.pool })) })` with `import { test as base } from 'testbed/vitest'`",
  })
}
