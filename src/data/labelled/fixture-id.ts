import { createHash } from 'node:crypto'
import { crc32 } from 'node:zlib'

// Rails' ActiveRecord::FixtureSet::MAX_ID: ids stay inside a signed 32-bit integer column.
const MAX_ID = 2 ** 30 - 1
// RFC 4122's OID namespace, the one Rails derives fixture UUIDs in.
const OID_NAMESPACE = Buffer.from('6ba7b8129dad11d180b400c04fd430c8', 'hex')

/**
 * The id of the fixture labelled `label`, as Rails computes it (`FixtureSet.identify`): the same
 * on every run and machine, so tests may hold on to it.
 * @example fixtureId('alice') // 663665735, in every run
 * @deprecated Use `rowId`, the same function; this name works until the next release.
 */
export function fixtureId(label: string): number {
  return crc32(label) % MAX_ID
}

/**
 * The UUID of the fixture labelled `label`, for `uuid` primary keys: a version 5 UUID, as in Rails.
 * @example fixtureUuid('alice') // the same UUID in every run
 * @deprecated Use `rowUuid`, the same function; this name works until the next release.
 */
export function fixtureUuid(label: string): string {
  const hash = createHash('sha1').update(OID_NAMESPACE).update(label).digest()
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/**
 * The stable key of a row that gives none, by its primary key's type; `undefined` for other types
 * (a `smallint` cannot hold these ids), whose rows get the column's default.
 */
export function derivedKey(type: string, label: string): number | string | undefined {
  if (type === 'integer' || type === 'bigint') return fixtureId(label)
  if (type === 'uuid') return fixtureUuid(label)
  return undefined
}

/**
 * The id of the row labelled `label`: the name of `fixtureId` that does not reuse Vitest's word
 * "fixtures". `fixtureId` keeps working until the next release.
 * @example rowId('alice') // 663665735, in every run
 */
export const rowId = fixtureId

/**
 * The UUID of the row labelled `label`: the name of `fixtureUuid` that does not reuse Vitest's
 * word "fixtures". `fixtureUuid` keeps working until the next release.
 * @example rowUuid('alice') // the same UUID in every run
 */
export const rowUuid = fixtureUuid
