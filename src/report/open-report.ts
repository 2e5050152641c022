import { spawn } from 'node:child_process'
import { pathToFileURL } from 'node:url'
import { describeCause, TestbedError } from '../core/errors.ts'

/**
 * The command that opens a page in a browser here: `$BROWSER` when set (as Python's webbrowser and
 * xdg-utils read it), `open` on macOS, `xdg-open` on a Linux desktop; null in CI or without a display.
 */
export function browserCommand(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] | null {
  const chosen = env.BROWSER?.split(':')[0]?.trim()
  if (chosen) return chosen.split(/\s+/)
  if (env.CI) return null
  if (platform === 'darwin') return ['open']
  if (platform === 'win32') return ['cmd', '/c', 'start', '""']
  if (platform === 'linux' && (env.DISPLAY || env.WAYLAND_DISPLAY)) return ['xdg-open']
  return null
}

/** Starts the browser on `page` and lets it run on its own; throws a TestbedError when it cannot start. */
export async function openInBrowser(command: readonly string[], page: string): Promise<void> {
  const [file, ...args] = command as [string, ...string[]]
  const child = spawn(file, [...args, page], { detached: true, stdio: 'ignore' })
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve)
    child.once('error', (error) => reject(openFailed(command.join(' '), page, error)))
  })
  child.unref()
}

function openFailed(command: string, page: string, cause: unknown): TestbedError {
  return new TestbedError(
    'TESTBED_REPORT_OPEN_FAILED',
    {
      what: 'Cannot open the report in a browser',
      subject: command,
      why: `Starting it failed: ${describeCause(cause)}`,
      fix: `Open ${pathToFileURL(page).href} yourself, or set BROWSER to your browser's command`,
    },
    { cause },
  )
}
