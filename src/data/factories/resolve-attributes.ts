import type { Faker } from '@faker-js/faker'
import { attributeCycle } from './factory-errors.ts'

type Layer = Readonly<Record<string, unknown>>

export interface AttributeSources {
  factory: string
  /** Defaults, then each trait's, later layers winning; functions are called with the context. */
  layers: readonly Layer[]
  /** Values as given, never called. */
  overrides: Layer
  transient: Layer
  sequence: () => number
  faker: () => Faker
}

/**
 * Resolves every attribute, each on first read, so a default can read others through
 * `attributes` in any order (factory_bot's dependent attributes). `undefined` results are left out,
 * so the database's default applies.
 */
export function resolveAttributes(sources: AttributeSources): Record<string, unknown> {
  return new AttributeResolver(sources).all()
}

class AttributeResolver {
  readonly #sources: AttributeSources
  readonly #definitions: Record<string, unknown>
  readonly #keys: Set<string>
  readonly #resolved = new Map<string, unknown>()
  readonly #resolving: string[] = []
  readonly #context: object
  #sequence: number | undefined

  constructor(sources: AttributeSources) {
    this.#sources = sources
    this.#definitions = Object.assign({}, ...sources.layers)
    this.#keys = new Set([...Object.keys(this.#definitions), ...Object.keys(sources.overrides)])
    this.#context = this.#makeContext()
  }

  all(): Record<string, unknown> {
    const result: Record<string, unknown> = {}
    for (const key of this.#keys) {
      const value = this.#resolve(key)
      if (value !== undefined) result[key] = value
    }
    return result
  }

  #makeContext(): object {
    const attributes = {}
    for (const key of this.#keys)
      Object.defineProperty(attributes, key, { get: () => this.#resolve(key), enumerable: true })
    const self = this
    return {
      get sequence() {
        self.#sequence ??= self.#sources.sequence()
        return self.#sequence
      },
      attributes,
      transient: this.#sources.transient,
      get faker() {
        return self.#sources.faker()
      },
    }
  }

  #resolve(key: string): unknown {
    if (this.#resolved.has(key)) return this.#resolved.get(key)
    const resolving = this.#resolving
    if (resolving.includes(key))
      throw attributeCycle(this.#sources.factory, [...resolving.slice(resolving.indexOf(key)), key])
    resolving.push(key)
    const value = this.#compute(key)
    resolving.pop()
    this.#resolved.set(key, value)
    return value
  }

  #compute(key: string): unknown {
    const { overrides } = this.#sources
    if (key in overrides) return overrides[key]
    const definition = this.#definitions[key]
    return typeof definition === 'function' ? definition(this.#context) : definition
  }
}
