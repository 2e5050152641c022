import { expect, test } from 'vitest'
import { missingApp } from './missing-app.ts'

test('the api fixture without an app says how to provide one', () => {
  expect(missingApp().message).toBe(
    '[testbed] The `api` fixture has no app to call: app.\n' +
      '`api` calls your app in-process, and testbed cannot know how to build it. ' +
      "Provide it once, e.g. `export const test = base.extend({ app: async ({ db }, use) => use(createApp({ db: db.pool })) })` with `import { test as base } from 'testbed/vitest'`." +
      '\nRead more: node_modules/testbed/docs/errors.md#testbed_vitest_no_app',
  )
})
