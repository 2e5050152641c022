import { setTimeout as sleep } from 'node:timers/promises'
import { describeCause, TestbedError } from '../core/errors.ts'
import { formatMs } from '../core/progress.ts'
import { redactUrl } from '../core/redact.ts'
import type { Detection, Provider, StartContext, StartedService } from './provider.ts'

/** The outcome of one real query against a server. */
export type ProbeResult = { ok: true; version: string } | { ok: false; error: Error }

export interface ExternalProviderOptions {
  /** `PostgreSQL`, `Redis`. */
  label: string
  /** The URL and where it came from, or null when none was given. */
  source: { url: string; from: string } | null
  /** The variable to set to use this provider, for messages. */
  envName: string
  probe(url: string): Promise<ProbeResult>
  /** How long to keep retrying a refused or unanswered probe: CI service containers may still be starting. */
  waitMs: number
}

const RETRY_MS = 250

/**
 * A probe's "no answer in time": retried like a refused connection, since a server that is still
 * starting (an emulator's first request warms its JVM) may answer the next one.
 */
export function noAnswerError(timeoutMs: number): Error {
  return Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })
}

/** A server someone else runs (a CI service container, a shared dev database), reached by URL. */
export function externalProvider(options: ExternalProviderOptions): Provider {
  return {
    name: 'external',
    async detect(): Promise<Detection> {
      if (options.source === null) {
        return {
          available: false,
          reason: `${options.envName} is not set`,
          fix: `set ${options.envName} to use a running server`,
        }
      }
      return {
        available: true,
        version: 'unknown until connected',
        detail: `${redactUrl(options.source.url)} from ${options.source.from}`,
      }
    },
    start: (context) => attach(options, context),
  }
}

async function attach(options: ExternalProviderOptions, context: StartContext): Promise<StartedService> {
  const { url, from } = options.source ?? { url: '', from: '' }
  const started = Date.now()
  for (;;) {
    const result = await options.probe(url)
    if (result.ok) {
      context.progress.done(
        `${context.serviceName}: external ${options.label} ${result.version} answers at ${redactUrl(url)}`,
      )
      return { url, version: result.version, handle: null }
    }
    if (!isTransient(result.error) || Date.now() - started > options.waitMs) {
      throw unreachable(options.label, context.serviceName, url, from, result.error, Date.now() - started)
    }
    await sleep(RETRY_MS)
  }
}

function isTransient(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'ECONNREFUSED' || code === '57P03' || code === 'ECONNRESET' || code === 'ETIMEDOUT'
}

function unreachable(
  label: string,
  serviceName: string,
  url: string,
  from: string,
  cause: Error,
  elapsedMs: number,
): TestbedError {
  return new TestbedError(
    'TESTBED_SERVICE_UNREACHABLE',
    {
      what: `Cannot reach the external ${label} for service "${serviceName}"`,
      subject: redactUrl(url),
      why: `A query to the URL from ${from} failed: ${describeCause(cause)}`,
      fix: `Start that server or correct the URL; or unset ${from.startsWith('TESTBED_') ? from : 'the `url` option'} to let testbed start its own`,
      details: [`elapsed: ${formatMs(elapsedMs)}`],
    },
    { cause },
  )
}
