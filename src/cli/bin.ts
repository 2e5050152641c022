import { describeFailure, runCli } from './main.ts'

try {
  process.exitCode = await runCli(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
  })
} catch (error) {
  process.stderr.write(`${describeFailure(error)}\n`)
  process.exitCode = 1
}
// Exit now, rather than when the event loop drains: a detached server's handles must not hold the CLI open.
process.exit()
