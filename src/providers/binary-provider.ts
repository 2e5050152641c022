import { TestbedError } from '../core/errors.ts'
import type { Detection, Provider, StartContext, StartedService } from './provider.ts'

/** How a provider that runs binaries (npm-shipped or installed on the machine) finds them and starts a server. */
export interface BinaryProviderOptions<Binaries> {
  name: string
  /** For messages: `PostgreSQL`, `Redis`. */
  label: string
  /** Looks once; null when they are not there. */
  find(): Promise<Binaries | null>
  /** The version, and where they are, for `testbed doctor`. */
  describe(found: Binaries): { version: string; detail: string }
  /** Why they are not there, and how to get them. */
  missing(): { reason: string; fix: string }
  start(found: Binaries, context: StartContext): Promise<StartedService>
}

/** A provider over binaries that are looked for once, whether `detect()` or `start()` asks first. */
export function binaryProvider<Binaries>(options: BinaryProviderOptions<Binaries>): Provider {
  let looking: Promise<Binaries | null> | undefined
  const find = () => {
    looking ??= options.find()
    return looking
  }
  return {
    name: options.name,
    async detect(): Promise<Detection> {
      const found = await find()
      return found ? { available: true, ...options.describe(found) } : { available: false, ...options.missing() }
    },
    async start(context) {
      const found = await find()
      if (!found) throw binariesMissing(options, context.serviceName)
      return options.start(found, context)
    },
  }
}

function binariesMissing(options: BinaryProviderOptions<unknown>, serviceName: string): TestbedError {
  const { reason, fix } = options.missing()
  return new TestbedError('TESTBED_SERVICE_PROVIDER_UNAVAILABLE', {
    what: `The ${options.label} provider \`${options.name}\` has no binaries to start service "${serviceName}"`,
    subject: options.name,
    why: reason.charAt(0).toUpperCase() + reason.slice(1),
    fix: `To fix it: ${fix}`,
  })
}
