// The reaping half of a run's watchdog (see run-watchdog.ts), started once the run's owner is gone:
// `node run-watchdog-main.js <run dir>`.
import { reapRunOf } from './run-registry.ts'

const runDir = process.argv[2]
// A refused state dir or a vanished record leaves the rest to the next run's reaper.
const reaping = runDir ? reapRunOf(runDir) : Promise.resolve(false)
reaping.catch(() => false).finally(() => process.exit())
