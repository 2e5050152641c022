import { readFileSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import { keepLog } from '../core/kept-logs.ts'

const LOG_TAIL_LINES = 12

/** How a server process ended, as Node reports it. */
export interface ServerExit {
  code: number | null
  signal: NodeJS.Signals | null
}

export function readLog(logFile: string): string {
  try {
    return readFileSync(logFile, 'utf8')
  } catch {
    return ''
  }
}

/** The last lines of a log, as details lines of an error. */
export function logTail(log: string): string[] {
  const lines = log.trimEnd().split('\n').filter(Boolean)
  return lines.slice(-LOG_TAIL_LINES).map((line) => `| ${line}`)
}

/** `was killed by SIGKILL`, `exited with code 1`. */
export function describeExit(exit: ServerExit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`
}

/**
 * The run dir, log included, is deleted when a start fails or the run ends: keeps a copy of a server's
 * log (`<state>/logs/<run id>-<service>.log`) where an error can point to it. Returns its path.
 */
export function preserveLog(logFile: string, serviceName: string): string {
  // The log sits in <run dir>/<service>/, so the run id is two folders up.
  return keepLog(logFile, `${basename(dirname(dirname(logFile)))}-${serviceName}.log`)
}
