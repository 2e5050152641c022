import { describeCause, TestbedError } from '../core/errors.ts'

export function noPackageJson(dir: string): TestbedError {
  return new TestbedError('TESTBED_INIT_NO_PACKAGE_JSON', {
    what: '`testbed init` found no package.json',
    subject: dir,
    why: 'It sets up an existing project, and reads package.json to see what the project uses',
    fix: 'Run it in the project’s root folder, or create the project first with `npm init -y`',
  })
}

export function unreadablePackageJson(path: string, cause: unknown): TestbedError {
  return new TestbedError(
    'TESTBED_INIT_BAD_PACKAGE_JSON',
    {
      what: '`testbed init` cannot read package.json',
      subject: path,
      why: `It is not valid JSON: ${describeCause(cause)}`,
      fix: 'Correct the file (`npm pkg get` shows what npm makes of it), then run `testbed init` again',
    },
    { cause },
  )
}

/** The vitest config exists in a shape testbed cannot edit safely. */
export function uneditableVitestConfig(file: string, importLine: string): TestbedError {
  return new TestbedError('TESTBED_INIT_VITEST_CONFIG', {
    what: '`testbed init` cannot add the testbed() plugin',
    subject: file,
    why: 'The file has no `defineConfig({ … })` or `export default { … }` with ES imports that testbed knows how to edit',
    fix: `Add it yourself: \`${importLine}\` at the top, and \`testbed()\` to the config's \`plugins\` array`,
  })
}
