import { spawn } from 'node:child_process'
import { commandFailedError } from './install-errors.ts'
import { type Command, formatCommand } from './package-manager.ts'

const KEPT_LINES = 15

/** Runs one install command with its output shown on `output`; throws a TestbedError when it fails. */
export async function runInstallCommand(command: Command, output: NodeJS.WritableStream): Promise<void> {
  const [file, ...args] = command.argv as [string, ...string[]]
  const child = spawn(file, args, { env: { ...process.env, ...command.env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let text = ''
  const show = (chunk: Buffer) => {
    output.write(chunk)
    text = (text + chunk.toString()).slice(-20_000)
  }
  child.stdout.on('data', show)
  child.stderr.on('data', show)
  const exit = await new Promise<string | null>((resolve) => {
    child.on('error', (error) => resolve(`could not start (${error.message})`))
    child.on('close', (code, signal) =>
      resolve(code === 0 ? null : signal ? `was killed by ${signal}` : `exited with code ${code}`),
    )
  })
  if (exit === null) return
  const lines = text.split('\n').filter((line) => line.trim() !== '')
  throw commandFailedError(formatCommand(command), exit, lines.slice(-KEPT_LINES))
}
