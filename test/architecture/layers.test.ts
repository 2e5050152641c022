import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

// The layers of DESIGN.md and ARCHITECTURE.md, lowest first. An import may point at its own layer
// or a lower one, never a higher one: core imports nothing above it, a service never imports the
// kit, the kit never imports a face. `src/public` re-exports every layer and is in none.
const LAYERS = ['core', 'services', 'kit', 'faces'] as const
type Layer = (typeof LAYERS)[number]

const SRC = fileURLToPath(new URL('../../src/', import.meta.url))
const FOLDER_LAYERS: Record<string, Layer> = {
  core: 'core',
  providers: 'services',
  services: 'services',
  isolation: 'kit',
  data: 'kit',
  http: 'kit',
  vitest: 'faces',
  cli: 'faces',
  jest: 'faces',
  ci: 'faces',
  compose: 'faces',
  init: 'faces',
  install: 'faces',
  report: 'faces',
}

/** The layer of a file under src/, or null for `public/`. A kind's `<kind>-testing.ts` is its kit side (decision 0018). */
function layerOf(file: string): Layer | null {
  const [folder = ''] = file.split('/')
  if (folder === 'public') return null
  if (/^services\/[^/]+\/[^/]+-testing\.ts$/.test(file)) return 'kit'
  const layer = FOLDER_LAYERS[folder]
  if (!layer) throw new Error(`src/${folder} has no layer: add it to FOLDER_LAYERS and ARCHITECTURE.md`)
  return layer
}

/** The files under src/ that `source` (the text of `file`) imports, statically or with `import()`. */
function importsOf(file: string, source: string): string[] {
  const specifiers = [...source.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)]
  return specifiers.map((match) => relative(SRC, resolve(dirname(join(SRC, file)), match[1] ?? '')))
}

/** Every import that points at a higher layer: `isolation/x.ts → vitest/y.ts (kit imports faces)`. */
function upwardImports(files: Record<string, string>): string[] {
  return Object.entries(files).flatMap(([file, source]) => {
    const from = layerOf(file)
    if (from === null) return []
    return importsOf(file, source).flatMap((target) => {
      const to = layerOf(target)
      if (to === null || LAYERS.indexOf(to) <= LAYERS.indexOf(from)) return []
      return [`${file} → ${target} (${from} imports ${to})`]
    })
  })
}

function sourceFiles(dir = SRC): Record<string, string> {
  const files: Record<string, string> = {}
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) Object.assign(files, sourceFiles(path))
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      files[relative(SRC, path)] = readFileSync(path, 'utf8')
    }
  }
  return files
}

test('no file in src imports a layer above its own', () => {
  expect(upwardImports(sourceFiles())).toEqual([])
})

test('the check names an upward import of each forbidden kind, static or dynamic', () => {
  const files = {
    'core/config.ts': "import { postgres } from '../services/postgres/postgres-service.ts'",
    'services/redis/redis-server.ts': "const { createIsolation } = await import('../../isolation/create-isolation.ts')",
    'http/mock/http-mock.ts': "import { test } from '../../vitest/runtime/fixtures.ts'",
    'isolation/create-isolation.ts': "import type { Progress } from '../core/progress.ts'",
    'services/postgres/postgres-testing.ts':
      "import { ensureTemplate } from '../../isolation/templates/ensure-template.ts'",
  }
  expect(upwardImports(files)).toEqual([
    'core/config.ts → services/postgres/postgres-service.ts (core imports services)',
    'services/redis/redis-server.ts → isolation/create-isolation.ts (services imports kit)',
    'http/mock/http-mock.ts → vitest/runtime/fixtures.ts (kit imports faces)',
  ])
})
