// `npm run demo`: the shop's whole suite, integration tests included, on the embedded default.
// The example imports `testbed` by name, as an installed package would be imported; a link in its
// node_modules points that name at this repository (built into dist/ by `npm run build`).
import { spawnSync } from 'node:child_process'
import { mkdirSync, symlinkSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const shop = fileURLToPath(new URL('.', import.meta.url))
const cli = fileURLToPath(new URL('../../bin/testbed.js', import.meta.url))

mkdirSync(`${shop}/node_modules`, { recursive: true })
try {
  symlinkSync('../../..', `${shop}/node_modules/testbed`, 'dir')
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
}
const args = [cli, 'test', '--integration', ...process.argv.slice(2)]
const run = spawnSync(process.execPath, args, { cwd: shop, stdio: 'inherit' })
process.exit(run.status ?? 1)
