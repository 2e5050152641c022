import { TestbedError } from '../../core/errors.ts'

/** A fixture that needs a service the run did not start. */
export function noService(fixture: string, kind: string, reason: string | null): TestbedError {
  const why =
    reason === null ? `The config declares no ${kind} service` : `testbed started no service for this run: ${reason}`
  const fix =
    reason === null
      ? `Declare one in testbed.config.ts (\`services: { ${kind}: ${kind}() }\`)`
      : 'Tag the test `integration` (or move it to the integration folder) and run `testbed test --integration`'
  return new TestbedError('TESTBED_VITEST_NO_SERVICE', {
    what: `The \`${fixture}\` fixture needs a ${kind} service`,
    why,
    fix,
  })
}

export function noLabelledFixtures(): TestbedError {
  return new TestbedError('TESTBED_VITEST_NO_ROWS', {
    what: 'The `fixtures` fixture has no labelled fixtures to read',
    subject: 'postgres({ fixtures })',
    why: 'The first PostgreSQL service in testbed.config.ts declares no folder of labelled fixture files',
    fix: "Add one: `postgres({ migrations: 'migrations', fixtures: 'tests/integration/fixtures/labelled' })`",
  })
}
