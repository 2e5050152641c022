/**
 * Jest `globalTeardown`: stops the services `testbed/jest/global-setup` started.
 * @example
 * // jest.config.js
 * export default { globalTeardown: 'testbed/jest/global-teardown' }
 */
export { globalTeardown as default } from './global-setup.ts'
