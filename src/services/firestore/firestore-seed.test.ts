import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { tempDir } from '../../../test/test-utils/temp-dir.ts'
import { readFirestoreSeed } from './firestore-seed.ts'

function seedFiles(files: Record<string, string>): string {
  const dir = tempDir()
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

test('turns collections, subcollections, ids, timestamps, references and geo points into REST writes', async () => {
  const dir = seedFiles({
    'catalog.yaml': [
      'products:',
      '  mug:',
      '    name: Mug',
      '    price: 12.5',
      '    stock: 3',
      '    tags: [kitchen, gift]',
      "    addedAt: { $timestamp: '2024-05-01T10:00:00Z' }",
      '    maker: { $ref: makers/acme }',
      '    $collections:',
      '      reviews:',
      '        r1: { stars: 5, shop: { city: Paris, at: { $geo: [48.85, 2.35] } }, note: null, verified: true }',
      'makers:',
      '  acme: { name: ACME }',
    ].join('\n'),
  })
  const seed = await readFirestoreSeed(['catalog.yaml'], dir)
  expect(seed.size).toBe(3)
  expect(seed.writesFor('p1')).toEqual([
    {
      path: 'products/mug',
      fields: {
        name: { stringValue: 'Mug' },
        price: { doubleValue: 12.5 },
        stock: { integerValue: '3' },
        tags: { arrayValue: { values: [{ stringValue: 'kitchen' }, { stringValue: 'gift' }] } },
        addedAt: { timestampValue: '2024-05-01T10:00:00.000Z' },
        maker: { referenceValue: 'projects/p1/databases/(default)/documents/makers/acme' },
      },
    },
    {
      path: 'products/mug/reviews/r1',
      fields: {
        stars: { integerValue: '5' },
        shop: {
          mapValue: {
            fields: {
              city: { stringValue: 'Paris' },
              at: { geoPointValue: { latitude: 48.85, longitude: 2.35 } },
            },
          },
        },
        note: { nullValue: null },
        verified: { booleanValue: true },
      },
    },
    { path: 'makers/acme', fields: { name: { stringValue: 'ACME' } } },
  ])
})

test('references name the project the writes are for', async () => {
  const dir = seedFiles({
    'a.json': JSON.stringify({ 'orders/o1/lines': { l1: { product: { $ref: 'products/mug' } } } }),
  })
  const seed = await readFirestoreSeed(['a.json'], dir)
  expect(seed.writesFor('other')[0]).toEqual({
    path: 'orders/o1/lines/l1',
    fields: { product: { referenceValue: 'projects/other/databases/(default)/documents/products/mug' } },
  })
})

test('rejects a reference to a collection instead of a document, with the full message', async () => {
  const dir = seedFiles({ 'bad.json': JSON.stringify({ products: { mug: { maker: { $ref: 'makers' } } } }) })
  await expect(readFirestoreSeed(['bad.json'], dir)).rejects.toThrow(
    '[testbed] A Firestore seed file is not in the seed format: bad.json at products/mug.\n' +
      '`$ref` must be `$timestamp: <ISO date>`, `$ref: <collection>/<id>` or `$geo: [<latitude>, <longitude>]`, got {"$ref":"makers"}. ' +
      'Correct the file; docs/firestore.md shows the format.\n' +
      'Read more: node_modules/testbed/docs/errors.md#testbed_data_firestore_seed_invalid',
  )
})

test('rejects a timestamp that is not a date, with the full message', async () => {
  const dir = seedFiles({ 'bad.yml': 'events:\n  e1: { at: { $timestamp: yesterday } }\n' })
  await expect(readFirestoreSeed(['bad.yml'], dir)).rejects.toThrow(
    '[testbed] A Firestore seed file is not in the seed format: bad.yml at events/e1.\n' +
      '`$timestamp` must be an ISO date such as 2024-05-01T10:00:00Z, got "yesterday". ' +
      'Correct the file; docs/firestore.md shows the format.\n' +
      'Read more: node_modules/testbed/docs/errors.md#testbed_data_firestore_seed_invalid',
  )
})

test('rejects a collection path with an even number of segments', async () => {
  const dir = seedFiles({ 'bad.json': JSON.stringify({ 'products/mug': { r1: {} } }) })
  await expect(readFirestoreSeed(['bad.json'], dir)).rejects.toThrow(
    'A collection path has an odd number of segments (`products`, `products/mug/reviews`).',
  )
})

test('names a missing seed file and the option that names it, with the full message', async () => {
  const dir = tempDir()
  const path = join(dir, 'nowhere.yaml')
  await expect(readFirestoreSeed(['nowhere.yaml'], dir)).rejects.toThrow(
    `[testbed] A Firestore seed file cannot be read: ${path}.\n` +
      `firestore({ seeds }) names it, relative to the project folder, but reading it failed: ENOENT: no such file or directory, open '${path}'. ` +
      'Create the file, or correct its path in testbed.config.ts.\n' +
      'Read more: node_modules/testbed/docs/errors.md#testbed_data_firestore_seed_missing',
  )
})

test('rejects a file that is neither JSON nor YAML', async () => {
  const dir = seedFiles({ 'seed.csv': 'a,b' })
  await expect(readFirestoreSeed(['seed.csv'], dir)).rejects.toThrow(
    'firestore() `seeds` are .json, .yml or .yaml files, parsed by extension.',
  )
})

test('names the file and the syntax error of a malformed YAML seed', async () => {
  const dir = seedFiles({ 'bad.yaml': 'products:\n  mug: { name: Mug\n' })
  await expect(readFirestoreSeed(['bad.yaml'], dir)).rejects.toThrow(
    `[testbed] A Firestore seed file is not in the seed format: ${join(dir, 'bad.yaml')} at its syntax.\n` +
      'It is not valid YAML: Flow map in block collection must be sufficiently indented and end with a } at line 3, column 1. ' +
      'Correct the file; docs/firestore.md shows the format.\n' +
      'Read more: node_modules/testbed/docs/errors.md#testbed_data_firestore_seed_invalid',
  )
})
