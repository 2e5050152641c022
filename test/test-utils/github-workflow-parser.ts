import { registerHooks } from 'node:module'
import { parse } from 'yaml'

// GitHub's workflow parser imports its JSON schema without `with { type: 'json' }` (it is built for
// bundlers), which Node refuses: this hook adds the attribute for that package's JSON files only.
registerHooks({
  load(url, context, nextLoad) {
    if (!url.includes('/@actions/workflow-parser/') || !url.endsWith('.json')) return nextLoad(url, context)
    return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } })
  },
})

const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = await import('@actions/workflow-parser')

/**
 * What GitHub's own workflow parser (`@actions/workflow-parser`, the one behind the Actions language
 * server) finds wrong in a workflow: schema errors, unknown keys, expressions in places that do not
 * allow their contexts, then what converting it to a workflow template finds. Empty when valid.
 */
export async function workflowErrors(content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name: 'testbed.yml', content }, new NoOperationTraceWriter())
  const errors = parsed.context.errors.getErrors().map((error) => error.message)
  if (parsed.value === undefined) return errors.length > 0 ? errors : ['the parser returned no workflow']
  const template = await convertWorkflowTemplate(parsed.context, parsed.value)
  const converted = (template.errors ?? []).map((error) => error.Message)
  return [...new Set([...errors, ...converted])]
}

// The inputs of each action the generator uses, from its action.yml at the newest release of the
// major it pins (upload-artifact v4.6.2, download-artifact v4.3.0, setup-node v4.4.0, cache v4.3.0,
// checkout v4, pnpm/action-setup v4.0.0, setup-bun v2.2.0, setup-java v4.9.1, setup-gcloud v3.0.1). The parser cannot check them: that takes
// fetching each action's metadata.
const ACTION_INPUTS: Record<string, readonly string[]> = {
  'actions/checkout@v4': ['repository', 'ref', 'token', 'fetch-depth', 'path', 'submodules', 'lfs'],
  'actions/setup-node@v4': [
    'always-auth',
    'architecture',
    'cache',
    'cache-dependency-path',
    'check-latest',
    'mirror',
    'mirror-token',
    'node-version',
    'node-version-file',
    'registry-url',
    'scope',
    'token',
  ],
  'actions/cache@v4': ['enableCrossOsArchive', 'fail-on-cache-miss', 'key', 'lookup-only', 'path', 'restore-keys'],
  'actions/upload-artifact@v4': [
    'compression-level',
    'if-no-files-found',
    'include-hidden-files',
    'name',
    'overwrite',
    'path',
    'retention-days',
  ],
  'actions/download-artifact@v4': ['artifact-ids', 'github-token', 'merge-multiple', 'name', 'path', 'pattern'],
  'pnpm/action-setup@v4': ['dest', 'package_json_file', 'run_install', 'standalone', 'version'],
  'oven-sh/setup-bun@v2': ['bun-version', 'bun-version-file', 'no-cache', 'registry-url', 'scope'],
  'actions/setup-java@v4': [
    'architecture',
    'cache',
    'cache-dependency-path',
    'check-latest',
    'distribution',
    'java-package',
    'java-version',
    'java-version-file',
    'token',
  ],
  'google-github-actions/setup-gcloud@v3': ['cache', 'install_components', 'project_id', 'skip_install', 'version'],
}

interface ParsedWorkflow {
  jobs: Record<string, { needs?: string[]; steps: Array<{ uses?: string; with?: Record<string, unknown> }> }>
}

/**
 * The parser's errors plus what it does not check: an action or an input the generator should not
 * use, and `needs` naming a job that does not exist.
 */
export async function workflowProblems(content: string): Promise<string[]> {
  const problems = await workflowErrors(content)
  const workflow = parse(content) as ParsedWorkflow
  for (const [id, job] of Object.entries(workflow.jobs)) {
    for (const need of job.needs ?? []) if (!(need in workflow.jobs)) problems.push(`${id} needs unknown job ${need}`)
    for (const step of job.steps) {
      if (step.uses === undefined) continue
      const inputs = ACTION_INPUTS[step.uses]
      if (!inputs) problems.push(`${id} uses ${step.uses}, which is not a known pinned action`)
      for (const input of Object.keys(step.with ?? {}))
        if (!inputs?.includes(input)) problems.push(`${id}: ${step.uses} has no input ${input}`)
    }
  }
  return problems
}
