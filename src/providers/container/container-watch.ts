import { mkdirSync, writeFileSync } from 'node:fs'
import { constants } from 'node:os'
import { join } from 'node:path'
import type Dockerode from 'dockerode'
import type { Run } from '../../core/run-registry.ts'
import { wasContainerRemoved } from '../../core/service-handle.ts'
import type { ServerExit } from '../server-log.ts'
import { isListened, reportDeath } from '../server-watch.ts'

// A container's end is seen by asking the engine: a long-lived `wait` request would hold the
// process open, an unref'd poll does not.
const POLL_MS = 1000

/** What the message about a container that ended names. */
export interface WatchedContainer {
  label: string
  serviceName: string
}

/**
 * Watches a ready container: when it stops or disappears without testbed removing it (a crash, the
 * OOM killer, `docker kill` or `docker rm -f` from a shell), the run's listeners get the same
 * `TESTBED_SERVICE_DIED` a local server's death gives, with the container's last log lines.
 */
export function watchContainer(container: Dockerode.Container, watched: WatchedContainer, run: Run): void {
  const timer = setInterval(() => {
    // A container testbed removed ends the watch whether or not anyone listened, so a stopped run's
    // poll does not outlive it in a long-lived process.
    if (wasContainerRemoved(container.id)) return clearInterval(timer)
    if (!isListened(run)) return
    void check(container, watched, run).then((ended) => ended && clearInterval(timer))
  }, POLL_MS)
  timer.unref()
}

async function check(container: Dockerode.Container, watched: WatchedContainer, run: Run): Promise<boolean> {
  const state = await container.inspect().then(
    (inspected) => inspected.State,
    () => null,
  )
  if (state?.Running) return false
  if (wasContainerRemoved(container.id)) return true
  const logFile = await saveLog(container, watched, run)
  reportDeath(run, { ...watched, logFile }, exitOf(state))
  return true
}

// Exit codes above 128 are a signal's (137: SIGKILL); a container already removed has none to give.
function exitOf(state: Dockerode.ContainerInspectInfo['State'] | null): ServerExit {
  if (state === null) return { code: null, signal: 'SIGKILL' }
  if (state.OOMKilled) return { code: null, signal: 'SIGKILL' }
  const signal = Object.entries(constants.signals).find(([, number]) => state.ExitCode === 128 + number)?.[0]
  return signal ? { code: null, signal: signal as NodeJS.Signals } : { code: state.ExitCode, signal: null }
}

// The log lives in the engine, which drops it with the container: a copy in the run dir, where the
// death report keeps it from.
async function saveLog(container: Dockerode.Container, watched: WatchedContainer, run: Run): Promise<string> {
  const dir = join(run.dir, watched.serviceName)
  const logFile = join(dir, 'container.log')
  const log = await container.logs({ stdout: true, stderr: true, tail: 40 }).catch(() => Buffer.from(''))
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  writeFileSync(logFile, log.toString('utf8').replace(/\r\n/g, '\n'), { mode: 0o600 })
  return logFile
}
