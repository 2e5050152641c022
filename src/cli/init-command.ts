import { type InitStep, initProject } from '../init/init-project.ts'
import { detectProject, type PackageManager, type ProjectFacts } from '../init/project-facts.ts'
import { type CliContext, print } from './cli-context.ts'

const INSTALL: Record<PackageManager, string> = {
  npm: 'npm install --save-dev',
  pnpm: 'pnpm add -D',
  yarn: 'yarn add -D',
  bun: 'bun add -d',
}
const RUN: Record<PackageManager, string> = { npm: 'npm run', pnpm: 'pnpm', yarn: 'yarn', bun: 'bun run' }
const EXEC: Record<PackageManager, string> = { npm: 'npx', pnpm: 'pnpm exec', yarn: 'yarn', bun: 'bunx' }

/** `testbed init [--force]`: sets testbed up in an existing project, from what it uses. */
export async function initCommand(context: CliContext, options: { force: boolean }): Promise<number> {
  const facts = detectProject(context.cwd)
  const out = (text = '') => print(context.stdout, text)
  out(`testbed init — ${facts.dir}`)
  out(`Found: ${describeFacts(facts)}`)
  for (const step of initProject(facts, options.force)) out(`  ${describeStep(step)}`)
  out('Next:')
  for (const line of nextSteps(facts)) out(`  ${line}`)
  return 0
}

function describeFacts(facts: ProjectFacts): string {
  const language = facts.typescript ? 'TypeScript' : `JavaScript (${facts.esm ? 'ES modules' : 'CommonJS'})`
  return [facts.packageManager, language, facts.framework, describeDatabase(facts), describeRedis(facts)].join(', ')
}

function describeDatabase(facts: ProjectFacts): string {
  const database = facts.database
  if (database === null) return 'no database library'
  if (!database.postgres)
    return `${database.library} on another database than PostgreSQL (left out: testbed serves PostgreSQL)`
  const migrations = database.migrations
  if (migrations === null)
    return `PostgreSQL through ${database.library}, no migrations folder (add \`migrations\` to postgres() when there is one)`
  if (migrations.sqlFiles.length === 0) {
    return `PostgreSQL through ${database.library}, ${migrations.folder}/ without .sql files (left out: testbed builds the test database from SQL)`
  }
  const files = `${migrations.sqlFiles.length} SQL file${migrations.sqlFiles.length === 1 ? '' : 's'}`
  return `PostgreSQL through ${database.library} with migrations in ${migrations.folder}/ (${files})`
}

function describeRedis(facts: ProjectFacts): string {
  return facts.redis ? `Redis through ${facts.redis}` : 'no Redis client'
}

function describeStep(step: InitStep): string {
  return `${step.verb.padEnd(7)} ${step.path}${step.note ? ` (${step.note})` : ''}`
}

function nextSteps(facts: ProjectFacts): string[] {
  const declared = new Set(
    ['dependencies', 'devDependencies'].flatMap((field) =>
      Object.keys((facts.packageJson.data[field] as object) ?? {}),
    ),
  )
  const missing = ['testbed', 'vitest'].filter((name) => !declared.has(name))
  const scripts = facts.packageJson.data.scripts ?? {}
  const unit =
    scripts.test && !/no test specified/.test(scripts.test) && scripts.test !== 'testbed test' ? 'test:unit' : 'test'
  return [
    ...(missing.length > 0 ? [`${INSTALL[facts.packageManager]} ${missing.join(' ')}`] : []),
    `${EXEC[facts.packageManager]} testbed install --with-deps    # the system packages the services need (redis-server, …)`,
    `${unit === 'test' && facts.packageManager === 'npm' ? 'npm test' : `${RUN[facts.packageManager]} ${unit}`}    # unit tests`,
    `${RUN[facts.packageManager]} test:integration    # unit and integration tests, against real services`,
  ]
}
