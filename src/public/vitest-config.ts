export { type TestbedPluginOptions, testbed } from '../vitest/node/plugin.ts'
export type { TestbedSettings } from '../vitest/settings.ts'
