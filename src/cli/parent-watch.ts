// Loaded into Vitest's main process by `testbed test` (`node --import`). When the testbed CLI that
// started Vitest dies, even by SIGKILL, the kernel closes the CLI's end of the pipe on fd 3; Vitest
// then gets the SIGTERM the CLI would have forwarded, so it ends, its workers with it (they exit when
// their IPC channel closes), and its exit hooks stop the services its global setup started.
import { Socket } from 'node:net'
import { isMainThread } from 'node:worker_threads'
import { ENV, readEnv } from '../core/env.ts'

// The fd test-command.ts gives the pipe.
const PARENT_PIPE_FD = 3

// Vitest's workers inherit the environment and the --import: only the CLI's own child watches.
if (isMainThread && readEnv(ENV.cliPid) === String(process.ppid)) watchParent()

function watchParent(): void {
  const pipe = new Socket({ fd: PARENT_PIPE_FD, readable: true, writable: false })
  pipe.on('error', () => {})
  pipe.on('close', () => process.kill(process.pid, 'SIGTERM'))
  pipe.resume()
  // The pipe must not keep Vitest running once it is done.
  pipe.unref()
}
