import { expect, test } from 'vitest'
import { importIoredis } from './redis-lease.ts'

test('without ioredis installed, the redis fixture says how to install it', async () => {
  const missing = () =>
    Promise.reject(new Error("Cannot find package 'ioredis' imported from /app/node_modules/testbed"))
  await expect(importIoredis(missing)).rejects.toThrow(
    '[testbed] The `redis` fixture needs the ioredis package.\n' +
      "Importing ioredis failed: Cannot find package 'ioredis' imported from /app/node_modules/testbed. " +
      'Install it next to testbed: npm install --save-dev ioredis.',
  )
})
