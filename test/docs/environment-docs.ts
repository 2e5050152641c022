import { ENV, type EnvVariable } from '../../src/core/env.ts'
import * as publicApi from '../../src/public/index.ts'
import { isServiceDefinition, type ServiceDefinition } from '../../src/services/service-definition.ts'

export const ENVIRONMENT_DOCS = 'docs/environment.md'

/** docs/environment.md as src/core/env.ts and the service kinds `testbed` exports declare it. */
export function renderEnvironmentDocs(): string {
  const rows = [
    ...Object.values(ENV).map((variable) => row(variable)),
    ...exportedKinds().flatMap((kind) => (kind.variables ?? []).map((variable) => row(variable, `${kind.kind}()`))),
  ]
  return [
    '# Environment variables',
    '',
    '<!-- Generated from src/core/env.ts and the `variables` of each service kind by `npm run docs`;',
    '     test/docs/docs.test.ts fails when this page is out of date. Edit those, not this page. -->',
    '',
    'Every variable testbed reads. An empty value counts as unset.',
    '',
    '| variable | meaning |',
    '|---|---|',
    ...rows,
    '',
  ].join('\n')
}

/** The name of every variable testbed reads (patterns such as `TESTBED_<NAME>_URL` as written). */
export function variableNames(): string[] {
  return [...Object.values(ENV), ...exportedKinds().flatMap((kind) => kind.variables ?? [])].map(
    (variable) => variable.name,
  )
}

function row(variable: EnvVariable, kind?: string): string {
  const meaning = kind ? `${kind}: ${variable.meaning}` : variable.meaning
  return `| \`${variable.name}\` | ${meaning}. |`
}

/** The service kinds of the public entry point: every export that, called with no options, declares a service. */
export function exportedKinds(): ServiceDefinition[] {
  return Object.values(publicApi).flatMap((value) => {
    if (typeof value !== 'function' || value.length > 1) return []
    try {
      const made: unknown = (value as () => unknown)()
      return isServiceDefinition(made) ? [made] : []
    } catch {
      return []
    }
  })
}
