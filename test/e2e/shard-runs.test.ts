import { describe, expect, test } from 'vitest'
import { expectPassed, RESULTS, vitestProject } from '../test-utils/vitest-project.ts'

// Five unit files (no service starts), one of them recorded as far longer than the rest together,
// one never recorded.
const FILES = ['a', 'b', 'c', 'd', 'e']
const RECORDED = {
  'tests/unit/a.test.ts': 5000,
  'tests/unit/b.test.ts': 40,
  'tests/unit/c.test.ts': 30,
  'tests/unit/d.test.ts': 20,
}
const DURATIONS = `${JSON.stringify({ version: 1, files: RECORDED }, null, 2)}\n`

function shardProject(name: string) {
  const tests = Object.fromEntries(
    FILES.map((file) => [
      `tests/unit/${file}.test.ts`,
      `import { test } from 'testbed/vitest'\ntest('${file} runs', () => {})\n`,
    ]),
  )
  return vitestProject(name, {
    ...tests,
    '.testbed/durations.json': DURATIONS,
    'vitest.config.ts':
      "import { testbed } from 'testbed/vitest/config'\nimport { defineConfig } from 'vitest/config'\nexport default defineConfig({ plugins: [testbed()] })\n",
  })
}

const blob = (shard: string) => ['--reporter=blob', `--outputFile.blob=reports/blob-${shard.replace('/', '-')}.json`]
const passed = (...files: string[]) => Object.fromEntries(files.map((file) => [`${file} runs`, 'passed']))
const linesOf = (text: string, prefix: string) => text.split('\n').filter((line) => line.startsWith(prefix))

describe.concurrent('testbed test --shard', () => {
  test('splits the files by recorded durations: the long file alone, the rest together, each file run once', async () => {
    const project = shardProject('shards-by-duration')
    const first = await project.testbed(['test', '--shard', '1/2', ...RESULTS, ...blob('1/2')])
    expectPassed(first)
    expect(project.results()).toEqual(passed('a'))
    expect(linesOf(first.stdout, 'testbed: shard')).toEqual([
      'testbed: shard 1/2 by recorded durations: 1 of 5 files, 5.0 s of 5.1 s expected (1 file without a record, each counted as 35 ms).',
    ])
    const second = await project.testbed(['test', '--shard=2/2', ...RESULTS, ...blob('2/2')])
    expectPassed(second)
    expect(project.results()).toEqual(passed('b', 'c', 'd', 'e'))
    expect(linesOf(second.stdout, 'testbed: shard')).toEqual([
      'testbed: shard 2/2 by recorded durations: 4 of 5 files, 125 ms of 5.1 s expected (1 file without a record, each counted as 35 ms).',
    ])
    // Shards leave the durations they all planned from alone.
    expect(project.read('.testbed/durations.json')).toBe(DURATIONS)

    const merged = await project.testbed(['test', '--merge-reports=reports', ...RESULTS])
    expectPassed(merged)
    expect(project.results()).toEqual(passed(...FILES))
    // The merged report holds every file's timings: it records them for the next split.
    const recorded: Record<string, number> = JSON.parse(project.read('.testbed/durations.json')).files
    expect(Object.keys(recorded)).toEqual(FILES.map((file) => `tests/unit/${file}.test.ts`))
    expect(Object.values(recorded).every((ms) => ms > 0 && ms < 5000)).toBe(true)
  })

  test('an invalid shard fails before Vitest runs', async () => {
    const project = shardProject('shard-invalid')
    const result = await project.testbed(['test', '--shard', '3/2'])
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr:
        '[testbed] Invalid value for --shard: 3/2.\n' +
        '--shard takes `i/n`: run the i-th of n shards, with i from 1 to n. Give each of n jobs its own i, as in `--shard 1/4` … `--shard 4/4`.\n' +
        'Read more: node_modules/testbed/docs/errors.md#testbed_cli_invalid_argument\n',
    })
  })
})
