import { onExit } from 'signal-exit'

const cleanups = new Set<() => void>()
let installed = false

/**
 * Runs `cleanup` when the process ends: normal exit, SIGINT, SIGTERM, an uncaught error.
 * It must be synchronous: nothing asynchronous runs after `exit`. Returns a function that unregisters it.
 */
export function onProcessExit(cleanup: () => void): () => void {
  install()
  cleanups.add(cleanup)
  return () => cleanups.delete(cleanup)
}

function install(): void {
  if (installed) return
  installed = true
  onExit(() => {
    for (const cleanup of cleanups) runQuietly(cleanup)
    cleanups.clear()
  })
}

function runQuietly(cleanup: () => void): void {
  try {
    cleanup()
  } catch {
    // The process is ending; a failed cleanup is left for the next run's reaper.
  }
}
