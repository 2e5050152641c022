import { testbed } from 'testbed/vitest/config'
import { defineConfig } from 'vitest/config'

export default defineConfig({ plugins: [testbed()] })
