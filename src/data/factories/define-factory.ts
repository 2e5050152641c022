import { TestbedError } from '../../core/errors.ts'
import { listNames } from '../suggest.ts'
import { type ColumnNaming, resolveNaming } from './column-naming.ts'
import { unknownTrait } from './factory-errors.ts'
import type {
  AnyFactory,
  AssociationSpec,
  Empty,
  Factory,
  FactoryDefinition,
  HookContext,
  PersistContext,
  ReservedName,
} from './factory-types.ts'

type Layer = Readonly<Record<string, unknown>>

/** A factory's definition, checked and in the shape the session runs. */
export interface FactorySpec {
  name: string
  table: string | undefined
  naming: ColumnNaming
  persist: ((attributes: Layer, context: PersistContext) => unknown) | undefined
  defaults: Layer
  traits: ReadonlyMap<string, Layer>
  transient: Layer
  associations: readonly AssociationPlan[]
  afterCreate: ((row: Layer, context: HookContext<Layer>) => unknown) | undefined
}

export interface AssociationPlan {
  name: string
  factory: AnyFactory
  foreignKey: string
  references: string
  traits: readonly string[]
}

const RESERVED: readonly ReservedName[] = [
  'build',
  'buildList',
  'create',
  'createList',
  'attributesFor',
  'with',
  'then',
]
// A symbol from the global registry: a factory defined by one copy of testbed runs in another's session.
const SPEC = Symbol.for('testbed.factory.spec')

/**
 * Declares a factory for rows of type `Row`. Curried so `Row` is written once while trait names,
 * transient params and associations are inferred.
 * @example
 * export const user = defineFactory<User>()({
 *   table: 'users',
 *   defaults: { email: ({ sequence }) => `user${sequence}@example.com`, name: ({ faker }) => faker.person.fullName() },
 *   traits: { admin: { role: 'admin' } },
 * })
 */
export function defineFactory<Row extends object>() {
  return <
    const TraitName extends string = never,
    Transient extends object = Empty,
    Assoc extends Readonly<Record<string, AssociationSpec>> = Empty,
  >(
    definition: FactoryDefinition<Row, TraitName, Transient, Assoc>,
  ): Factory<Row, TraitName, Transient, Assoc> => {
    const spec = normalize(definition as unknown as FactoryDefinition<Layer, string, Layer, Layer>)
    const factory = { name: spec.name, table: spec.table, traitNames: [...spec.traits.keys()] as TraitName[] }
    Object.defineProperty(factory, SPEC, { value: spec })
    return Object.freeze(factory)
  }
}

/** The checked definition behind a factory. */
export function specOf(factory: AnyFactory): FactorySpec {
  const spec = (factory as unknown as Record<symbol, FactorySpec | undefined>)[SPEC]
  if (spec !== undefined) return spec
  throw new TestbedError('TESTBED_DATA_NOT_A_FACTORY', {
    what: 'Not a factory',
    subject: String((factory as { name?: unknown } | null)?.name ?? factory),
    why: 'Sessions run only what defineFactory<Row>()({ … }) returns',
    fix: 'Pass the factory itself, not its definition or a copy of it',
  })
}

function normalize(definition: FactoryDefinition<Layer, string, Layer, Layer>): FactorySpec {
  const name = definition.name ?? definition.table ?? 'factory'
  const defaults = definition.defaults ?? {}
  const transient = definition.transient ?? {}
  const traits = new Map(Object.entries((definition.traits ?? {}) as Record<string, Layer>))
  checkTraitNames(name, [...traits.keys()])
  checkTransient(name, transient, defaults)
  const associations = Object.entries(definition.associations ?? {}).map(([key, value]) =>
    planAssociation(key, value as AssociationSpec),
  )
  const fields = new Set([...Object.keys(defaults), ...[...traits.values()].flatMap((layer) => Object.keys(layer))])
  for (const association of associations) fields.add(association.foreignKey)
  return {
    name,
    table: definition.table,
    naming: resolveNaming(definition.columns as Record<string, string> | ColumnNaming | undefined, fields),
    persist: definition.persist as FactorySpec['persist'],
    defaults,
    traits,
    transient,
    associations,
    afterCreate: definition.afterCreate as FactorySpec['afterCreate'],
  }
}

function planAssociation(name: string, value: AssociationSpec): AssociationPlan {
  const full = 'factory' in value ? value : { factory: value }
  const target = specOf(full.factory)
  const unknown = full.traits?.find((trait) => !target.traits.has(trait))
  if (unknown !== undefined) throw unknownTrait(target.name, unknown, [...target.traits.keys()])
  return {
    name,
    factory: full.factory,
    foreignKey: full.foreignKey ?? `${name}Id`,
    references: full.references ?? 'id',
    traits: full.traits ?? [],
  }
}

function checkTraitNames(factory: string, names: string[]): void {
  const clash = names.find((name) => (RESERVED as readonly string[]).includes(name))
  if (clash === undefined) return
  throw invalidDefinition(
    factory,
    `trait \`${clash}\``,
    `Traits are properties next to the methods ${listNames(RESERVED)}`,
    'Rename the trait',
  )
}

function checkTransient(factory: string, transient: Layer, defaults: Layer): void {
  const clash = Object.keys(transient).find((key) => key in defaults)
  if (clash === undefined) return
  throw invalidDefinition(
    factory,
    `\`${clash}\``,
    `\`${clash}\` is both a transient param and an attribute default, so testbed cannot tell whether to write it`,
    'Keep it in one of `transient` and `defaults`',
  )
}

function invalidDefinition(factory: string, subject: string, why: string, fix: string): TestbedError {
  return new TestbedError('TESTBED_DATA_FACTORY_INVALID', {
    what: `Invalid definition of factory \`${factory}\``,
    subject,
    why,
    fix,
  })
}
