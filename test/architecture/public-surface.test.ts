import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'
import * as http from '../../src/public/http.ts'

const PUBLIC = new URL('../../src/public/', import.meta.url)

/** The values (not types) each public entry point re-exports, with the file that declares each. */
function publicValues(): Array<{ name: string; from: URL }> {
  return readdirSync(PUBLIC).flatMap((file) => {
    const source = readFileSync(new URL(file, PUBLIC), 'utf8')
    return [...source.matchAll(/export (type )?\{([^}]*)\} from '([^']+)'/g)].flatMap(
      ([, allTypes, names = '', path = '']) => {
        if (allTypes || !path.startsWith('.')) return []
        return names
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== '' && !name.startsWith('type '))
          .map((name) => ({ name: name.split(' as ')[0] ?? name, from: new URL(path, new URL(file, PUBLIC)) }))
      },
    )
  })
}

/** True when the declaration of `name` in its file has a JSDoc block with an `@example` right above it. */
function hasExample(name: string, from: URL): boolean {
  const source = readFileSync(from, 'utf8')
  const declaration = new RegExp(
    `(/\\*\\*(?:(?!\\*/)[\\s\\S])*\\*/)\\s*export (?:async )?(?:function|const|class) ${name}\\b`,
  )
  return declaration.exec(source)?.[1]?.includes('@example') ?? false
}

test('every value a public entry point exports has a JSDoc @example', () => {
  const missing = publicValues().filter(({ name, from }) => !hasExample(name, from))
  expect(missing.map(({ name, from }) => `${name} (${fileURLToPath(from).split('/src/')[1]})`)).toEqual([])
})

test('the API client and the http mock are exported as interfaces, with no constructor to call', () => {
  expect(Object.keys(http)).not.toContain('ApiClient')
  expect(Object.keys(http)).not.toContain('HttpMock')
  expect(Object.keys(http)).toContain('createClient')
  expect(Object.keys(http)).toContain('createHttpMock')
})
