import { specOf } from './define-factory.ts'
import { unknownTrait } from './factory-errors.ts'
import type { AnyFactory } from './factory-types.ts'
import { attributesFor, buildObject, type Call, createObject, type RunContext } from './run-factory.ts'

type Row = Record<string, unknown>
type ListOverrides = Row | ((index: number) => Row) | undefined

// Properties that inspectors and test matchers probe on any object (pretty-format, Vitest's
// equality, promises): reading them must not throw "unknown trait".
const PROBES = new Set([
  'then',
  'toJSON',
  'asymmetricMatch',
  'nodeType',
  'tagName',
  'constructor',
  'toString',
  'valueOf',
  'inspect',
  'length',
])

export function isProbe(property: string): boolean {
  return PROBES.has(property) || /^[_$@]/.test(property)
}

/**
 * The methods of one factory under some traits; any other property is a trait name, giving the
 * same view with that trait added (`factories.user.admin.verified`).
 */
export function createView(context: RunContext, factory: AnyFactory, label: string, traits: readonly string[]): object {
  const spec = specOf(factory)
  const call = (overrides: Row | undefined): Call => ({ spec, traits, overrides: overrides ?? {} })
  const withTraits = (...names: string[]) => {
    for (const name of names) if (!spec.traits.has(name)) throw unknownTrait(label, name, [...spec.traits.keys()])
    return createView(context, factory, label, [...traits, ...names])
  }
  const methods = {
    build: (overrides?: Row) => buildObject(context, call(overrides)),
    buildList: (count: number, overrides?: ListOverrides) =>
      Array.from({ length: count }, (_, index) => buildObject(context, call(at(overrides, index)))),
    create: (overrides?: Row) => createObject(context, call(overrides)),
    // One after another, so sequence numbers and faker draws come in list order on every run.
    createList: async (count: number, overrides?: ListOverrides) => {
      const rows: Row[] = []
      for (let index = 0; index < count; index++) rows.push(await createObject(context, call(at(overrides, index))))
      return rows
    },
    attributesFor: (overrides?: Row) => attributesFor(context, call(overrides)),
    with: withTraits,
  }
  return new Proxy(methods, {
    get(target, property, receiver) {
      if (typeof property === 'symbol' || property in target) return Reflect.get(target, property, receiver)
      if (isProbe(property) && !spec.traits.has(property)) return undefined
      return withTraits(property)
    },
  })
}

function at(overrides: ListOverrides, index: number): Row | undefined {
  return typeof overrides === 'function' ? overrides(index) : overrides
}
