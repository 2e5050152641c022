// A Vitest suite that marks its database tests with its own tag (`db`: on a describe block, on a
// test next to untagged unit tests in the same file, or on a whole file by its docblock) adopts
// testbed by naming the tag in testbed.config.ts: only those tests get services, the skip rule, the
// network guard, the endpoint and isolation. Its test files do not change.
import { describe, expect, test } from 'vitest'
import { expectPassed, vitestProject } from '../test-utils/vitest-project.ts'

function config(isolation: string): string {
  return `import { defineConfig, postgres } from 'testbed'

export default defineConfig({
  isolation: '${isolation}',
  integrationTests: { tags: ['db'] },
  services: { db: postgres({ migrations: 'migrations' }) },
})
`
}

describe.concurrent('a Vitest suite whose integration tests carry its own tag', () => {
  for (const isolation of ['transaction', 'database', 'reset']) {
    test(`runs the tagged tests isolated under ${isolation}, and its untagged tests beside them`, async () => {
      const project = vitestProject(
        `tagged-${isolation}`,
        { 'testbed.config.ts': config(isolation) },
        'vitest-tagged-project',
      )
      const result = await project.testbed(['test', '--integration'])
      expectPassed(result)
      expect(result.stdout).toMatch(/Tests\s+8 passed \(8\)/)
    }, 180_000)
  }

  test('without --integration, the tagged tests are skipped (and counted), the others run, no service starts', async () => {
    const project = vitestProject('tagged-unit', {}, 'vitest-tagged-project')
    // Progress lines on (this suite's setup turns them off), to see that no server starts.
    const result = await project.testbed(['test'], { TESTBED_QUIET: '' })
    expectPassed(result)
    expect(result.stdout).toMatch(/Tests\s+3 passed \| 5 skipped \(8\)/)
    expect(result.stdout + result.stderr).not.toContain('starting PostgreSQL')
    expect(result.stdout + result.stderr).toContain(
      'testbed: 5 integration tests skipped; run `testbed test --integration` (or set TESTBED_INTEGRATION=1) to include them.',
    )
  }, 180_000)

  test('-m db runs the tagged tests alone, with services', async () => {
    const project = vitestProject('tagged-marker', {}, 'vitest-tagged-project')
    const result = await project.testbed(['test', '-m', 'db'])
    expectPassed(result)
    expect(result.stdout).toMatch(/Tests\s+5 passed \| 3 skipped \(8\)/)
  }, 180_000)

  test('-m integration means the tagged tests too; -m "not integration" and -m unit leave them out', async () => {
    const project = vitestProject('tagged-integration-marker', {}, 'vitest-tagged-project')
    const integration = await project.testbed(['test', '-m', 'integration'])
    expectPassed(integration)
    expect(integration.stdout).toMatch(/Tests\s+5 passed \| 3 skipped \(8\)/)
    const others = await project.testbed(['test', '-m', 'not integration'])
    expectPassed(others)
    expect(others.stdout).toMatch(/Tests\s+3 passed \| 5 skipped \(8\)/)
    // Tagged tests in files outside `files` carry the file's `unit` too; with integration tests on, -m unit still means the others.
    const unit = await project.testbed(['test', '--integration', '-m', 'unit'])
    expectPassed(unit)
    expect(unit.stdout).toMatch(/Tests\s+3 passed \| 5 skipped \(8\)/)
  }, 180_000)

  test('a tagged test is kept off the network; an untagged one in the same file is not guarded', async () => {
    const project = vitestProject('tagged-guard', {}, 'vitest-tagged-project')
    project.write({
      'test/payments/payments.spec.ts': `async function charge(): Promise<string> {
  try {
    return String((await fetch('http://payments.invalid/charge')).status)
  } catch {
    return 'unreachable'
  }
}

it('parses an amount', () => {
  expect(Number('12.50')).toBe(12.5)
})

it('charges a card', { tags: ['db'] }, async () => {
  expect(await charge()).toBe('unreachable')
})
`,
    })
    const result = await project.testbed(['test', '--integration'])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/Tests\s+1 failed \| 9 passed \(10\)/)
    expect(result.stdout).toMatch(/✓ parses an amount/)
    const output = result.stdout + result.stderr
    expect(output).toContain('FAIL  test/payments/payments.spec.ts > charges a card')
    expect(output).toContain(
      'TestbedError: [testbed] Unhandled outbound request in an integration test: GET http://payments.invalid/charge.',
    )
  }, 180_000)
})
