import type { IntegrationTestsSetting, TagDeclaration, TestbedConfig } from './config.ts'
import { parseDuration } from './duration.ts'
import { ISOLATION_NAMES } from './isolation-names.ts'
import {
  assertBoolean,
  assertKnownKeys,
  assertOneOf,
  assertPositiveNumber,
  assertString,
  invalidOption,
} from './options.ts'

const WHERE = 'testbed.config.ts'
const KNOWN = [
  'services',
  'isolation',
  'leakCheck',
  'keepOnFailure',
  'openConnections',
  'openConnectionsTimeout',
  'unhandledHttp',
  'timeout',
  'slowThreshold',
  'budget',
  'tags',
  'dirs',
  'integrationTests',
]
export const OPEN_CONNECTIONS_SETTINGS = ['defer', 'wait', 'terminate'] as const
export const UNHANDLED_HTTP_SETTINGS = ['error', 'warn', 'bypass'] as const
export const BUDGET_KINDS = ['unit', 'integration', 'total'] as const
const DURATION = "a duration such as `'300ms'`, `'45s'` or `'5m'`, or a number of milliseconds"
// What Vitest's tag filter reads as one tag name; `and`, `or` and `not` are its operators.
const TAG_NAME = /^[A-Za-z0-9_][\w\-/.:]*$/
const OPERATORS = ['and', 'or', 'not']

/** Checks the options of `testbed.config.ts` beyond `services` (each service checks its own). */
export function validateConfig(config: TestbedConfig): void {
  if (typeof config !== 'object' || config === null) throw invalidOption(WHERE, 'default export', 'an object', config)
  assertKnownKeys(WHERE, config, KNOWN)
  assertOneOf(WHERE, 'isolation', config.isolation, ISOLATION_NAMES)
  assertBoolean(WHERE, 'leakCheck', config.leakCheck)
  assertBoolean(WHERE, 'keepOnFailure', config.keepOnFailure)
  assertOneOf(WHERE, 'openConnections', config.openConnections, OPEN_CONNECTIONS_SETTINGS)
  assertDuration('openConnectionsTimeout', config.openConnectionsTimeout, { positive: true })
  assertOneOf(WHERE, 'unhandledHttp', config.unhandledHttp, UNHANDLED_HTTP_SETTINGS)
  assertDuration('timeout', config.timeout, { positive: true })
  assertDuration('slowThreshold', config.slowThreshold)
  validateBudget(config.budget)
  validateTags(config.tags)
  validateDirs(config.dirs)
  validateIntegrationTests(config.integrationTests)
}

function validateIntegrationTests(value: TestbedConfig['integrationTests']): void {
  if (value === undefined) return
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) validateIntegrationChoice(value)
  else if (!isGlobList(value)) throw invalidOption(WHERE, 'integrationTests', `${GLOBS}, or \`{ files, tags }\``, value)
}

const GLOBS = "a glob or folder, or an array of them, such as `['test/**/*Test.ts']`"

/** `{ files, tags }`: at least one of them, each well formed; a tag `unit` would be both kinds at once. */
function validateIntegrationChoice(choice: IntegrationTestsSetting): void {
  assertKnownKeys(`${WHERE} \`integrationTests\``, choice, ['files', 'tags'])
  if (choice.files !== undefined && !isGlobList(choice.files)) {
    throw invalidOption(WHERE, 'integrationTests.files', GLOBS, choice.files)
  }
  const tags = choice.tags
  if (tags !== undefined && !(Array.isArray(tags) && tags.length > 0 && tags.every(isIntegrationTagName))) {
    throw invalidOption(WHERE, 'integrationTests.tags', INTEGRATION_TAGS, tags)
  }
  if (choice.files === undefined && tags === undefined) {
    throw invalidOption(WHERE, 'integrationTests', "`files`, `tags` or both, such as `{ tags: ['db'] }`", choice)
  }
}

const INTEGRATION_TAGS =
  "a non-empty array of tag names (letters, digits and `_-/.:`, not `unit`, `and`, `or` or `not`), such as `['db']`"

function isGlobList(value: unknown): boolean {
  const list = Array.isArray(value) ? value : [value]
  return list.length > 0 && list.every((entry) => typeof entry === 'string' && entry !== '')
}

function isIntegrationTagName(name: unknown): boolean {
  return isTagName(name) && name !== 'unit'
}

function isTagName(name: unknown): name is string {
  return typeof name === 'string' && TAG_NAME.test(name) && !OPERATORS.includes(name.toLowerCase())
}

function assertDuration(option: string, value: unknown, { positive = false } = {}): void {
  if (value === undefined) return
  const ms = parseDuration(value)
  if (ms === null || (positive && ms === 0)) throw invalidOption(WHERE, option, DURATION, value)
}

function validateBudget(budget: TestbedConfig['budget']): void {
  if (budget === undefined) return
  assertPlainObject('budget', budget, "an object such as `{ integration: '5m' }`")
  assertKnownKeys(`${WHERE} \`budget\``, budget, BUDGET_KINDS)
  for (const kind of BUDGET_KINDS) assertDuration(`budget.${kind}`, budget[kind], { positive: true })
}

function validateTags(tags: TestbedConfig['tags']): void {
  if (tags === undefined) return
  if (!Array.isArray(tags))
    throw invalidOption(WHERE, 'tags', 'an array of tag names or `{ name, description }` objects', tags)
  tags.forEach((tag, index) => {
    validateTag(typeof tag === 'string' ? { name: tag } : tag, `tags[${index}]`)
  })
}

function validateTag(tag: TagDeclaration, option: string): void {
  assertPlainObject(option, tag, 'a tag name or a `{ name, description }` object')
  assertKnownKeys(`${WHERE} \`${option}\``, tag, ['name', 'description', 'timeout', 'retry', 'priority'])
  const expected = 'a tag name (letters, digits and `_-/.:`, not `and`, `or` or `not`)'
  if (!isTagName(tag.name)) {
    throw invalidOption(WHERE, `${option}.name`, expected, tag.name)
  }
  assertString(WHERE, `${option}.description`, tag.description)
  assertPositiveNumber(WHERE, `${option}.timeout`, tag.timeout)
  if (tag.retry !== undefined && !(Number.isInteger(tag.retry) && tag.retry >= 0)) {
    throw invalidOption(WHERE, `${option}.retry`, 'a whole number of retries', tag.retry)
  }
  if (tag.priority !== undefined && !Number.isFinite(tag.priority)) {
    throw invalidOption(WHERE, `${option}.priority`, 'a number', tag.priority)
  }
}

function validateDirs(dirs: TestbedConfig['dirs']): void {
  if (dirs === undefined) return
  assertPlainObject('dirs', dirs, "an object such as `{ unit: 'tests/unit', integration: 'tests/integration' }`")
  assertKnownKeys(`${WHERE} \`dirs\``, dirs, ['unit', 'integration'])
  assertString(WHERE, 'dirs.unit', dirs.unit)
  assertString(WHERE, 'dirs.integration', dirs.integration)
  if (dirs.unit !== undefined && dirs.unit === dirs.integration) {
    throw invalidOption(WHERE, 'dirs.integration', 'a folder other than `dirs.unit`', dirs.integration)
  }
}

function assertPlainObject(option: string, value: unknown, expected: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidOption(WHERE, option, expected, value)
}
