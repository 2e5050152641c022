import type { Faker } from '@faker-js/faker'
import type { Queryable } from '../queryable.ts'
import { type AssociationPlan, type FactorySpec, specOf } from './define-factory.ts'
import type { FactorySession } from './factory-types.ts'
import { persistRow } from './persist-row.ts'
import { resolveAttributes } from './resolve-attributes.ts'
import { nextSequence } from './sequences.ts'

type Row = Record<string, unknown>

/** What running a factory needs from its session. */
export interface RunContext {
  readonly db: Queryable
  faker(): Faker
  readonly session: FactorySession
}

/** One call: a factory, the traits in force (already checked), the caller's overrides. */
export interface Call {
  readonly spec: FactorySpec
  readonly traits: readonly string[]
  readonly overrides: Row
}

/** factory_bot's `build`: the object and its associations, built; nothing persisted. */
export function buildObject(context: RunContext, call: Call): Row {
  const links: Row = {}
  const objects: Row = {}
  for (const association of call.spec.associations) {
    const given = givenAssociation(association, call.overrides)
    const object = given.provided ? given.object : buildObject(context, associationCall(association))
    link(association, object, links, objects)
  }
  return { ...attributesOf(context, call, links), ...objects }
}

/** factory_bot's `create`: associations created first, then the row, then `afterCreate`. */
export async function createObject(context: RunContext, call: Call): Promise<Row> {
  const links: Row = {}
  const objects: Row = {}
  for (const association of call.spec.associations) {
    const given = givenAssociation(association, call.overrides)
    const object = given.provided ? given.object : await createObject(context, associationCall(association))
    link(association, object, links, objects)
  }
  const stored = await persistRow(context.db, call.spec, attributesOf(context, call, links))
  const created = { ...stored, ...objects }
  await call.spec.afterCreate?.(created, {
    transient: transientOf(call),
    traits: call.traits,
    factories: context.session,
    // A getter: a hook that never draws must not make a faker (nor mark the seed as used).
    get faker() {
      return context.faker()
    },
  })
  return created
}

/** factory_bot's `attributes_for`: the attributes alone; an association only when one was given. */
export function attributesFor(context: RunContext, call: Call): Row {
  const links: Row = {}
  for (const association of call.spec.associations) {
    const given = givenAssociation(association, call.overrides)
    if (given.provided) link(association, given.object, links, {})
  }
  return attributesOf(context, call, links)
}

function attributesOf(context: RunContext, call: Call, links: Row): Row {
  const { spec } = call
  const transientKeys = Object.keys(spec.transient)
  const associationNames = spec.associations.map((association) => association.name)
  const overrides = omit(call.overrides, [...transientKeys, ...associationNames])
  return resolveAttributes({
    factory: spec.name,
    layers: [spec.defaults, ...call.traits.map((trait) => omit(spec.traits.get(trait) ?? {}, transientKeys))],
    overrides: { ...links, ...overrides },
    transient: transientOf(call),
    sequence: () => nextSequence(spec.name),
    faker: () => context.faker(),
  })
}

function transientOf({ spec, traits, overrides }: Call): Row {
  const keys = Object.keys(spec.transient)
  return Object.assign(
    { ...spec.transient },
    ...traits.map((trait) => pick(spec.traits.get(trait) ?? {}, keys)),
    pick(overrides, keys),
  )
}

function givenAssociation(association: AssociationPlan, overrides: Row): { provided: boolean; object: unknown } {
  // A foreign key given directly wins: no object is made, and none is returned.
  if (association.foreignKey in overrides) return { provided: true, object: undefined }
  if (association.name in overrides) return { provided: true, object: overrides[association.name] }
  return { provided: false, object: undefined }
}

function associationCall(association: AssociationPlan): Call {
  return { spec: specOf(association.factory), traits: association.traits, overrides: {} }
}

function link(association: AssociationPlan, object: unknown, links: Row, objects: Row): void {
  if (object === undefined) return
  objects[association.name] = object
  const key = object === null ? null : (object as Row)[association.references]
  if (key !== undefined) links[association.foreignKey] = key
}

function pick(row: Row, keys: readonly string[]): Row {
  return Object.fromEntries(Object.entries(row).filter(([key]) => keys.includes(key)))
}

function omit(row: Row, keys: readonly string[]): Row {
  return Object.fromEntries(Object.entries(row).filter(([key]) => !keys.includes(key)))
}
