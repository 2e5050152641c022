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

/** `isolated(name)` with a name the run has no service for. */
export function unknownService(name: string, known: readonly string[]): TestbedError {
  return new TestbedError('TESTBED_VITEST_UNKNOWN_SERVICE', {
    what: 'The `isolated` fixture has no service of that name',
    subject: `"${name}"`,
    why: `It takes the name of a service in testbed.config.ts; this run has ${known.length === 0 ? 'none' : known.map((known) => `"${known}"`).join(', ')}`,
    fix: 'Pass one of those names, or declare the service in testbed.config.ts',
  })
}

/** `isolated(name)` on a service whose kind gives tests no state of their own. */
export function noServiceFixture(name: string, kind: string): TestbedError {
  return new TestbedError('TESTBED_VITEST_NO_FIXTURE', {
    what: 'The `isolated` fixture cannot isolate this service',
    subject: `"${name}" (${kind})`,
    why: `The ${kind} kind declares no per-test fixture (\`testing\` in its service definition)`,
    fix: 'Connect to it yourself with the URL the `services` fixture gives',
  })
}
