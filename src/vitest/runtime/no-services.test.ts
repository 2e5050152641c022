import { expect, test } from 'vitest'
import { noLabelledFixtures, noService, noServiceFixture, unknownService } from './no-services.ts'

test('says why no service runs and how to get one: a run that started none', () => {
  expect(noService('redis', 'redis', 'integration tests are not enabled').message).toBe(
    '[testbed] The `redis` fixture needs a redis service.\n' +
      'testbed started no service for this run: integration tests are not enabled. ' +
      'Tag the test `integration` (or move it to the integration folder) and run `testbed test --integration`.' +
      '\nRead more: node_modules/testbed/docs/errors.md#testbed_vitest_no_service',
  )
})

test('says why no service runs and how to get one: a config without that kind', () => {
  expect(noService('db', 'postgres', null).message).toBe(
    '[testbed] The `db` fixture needs a postgres service.\n' +
      'The config declares no postgres service. Declare one in testbed.config.ts (`services: { postgres: postgres() }`).' +
      '\nRead more: node_modules/testbed/docs/errors.md#testbed_vitest_no_service',
  )
})

test('the fixtures fixture without labelled fixtures says where to declare them', () => {
  expect(noLabelledFixtures().message).toBe(
    '[testbed] The `fixtures` fixture has no labelled fixtures to read: postgres({ fixtures }).\n' +
      'The first PostgreSQL service in testbed.config.ts declares no folder of labelled fixture files. ' +
      "Add one: `postgres({ migrations: 'migrations', fixtures: 'tests/integration/fixtures/labelled' })`." +
      '\nRead more: node_modules/testbed/docs/errors.md#testbed_vitest_no_rows',
  )
})

test('isolated() with a name the run has no service for lists the names it has', () => {
  expect(unknownService('reports', ['db', 'analytics']).message).toBe(
    '[testbed] The `isolated` fixture has no service of that name: "reports".\n' +
      'It takes the name of a service in testbed.config.ts; this run has "db", "analytics". ' +
      'Pass one of those names, or declare the service in testbed.config.ts.' +
      '\nRead more: node_modules/testbed/docs/errors.md#testbed_vitest_unknown_service',
  )
})

test('isolated() on a kind without a per-test fixture says how to reach it instead', () => {
  expect(noServiceFixture('search', 'elasticsearch').message).toBe(
    '[testbed] The `isolated` fixture cannot isolate this service: "search" (elasticsearch).\n' +
      'The elasticsearch kind declares no per-test fixture (`testing` in its service definition). ' +
      'Connect to it yourself with the URL the `services` fixture gives.' +
      '\nRead more: node_modules/testbed/docs/errors.md#testbed_vitest_no_fixture',
  )
})
