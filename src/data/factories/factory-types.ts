import type { Faker } from '@faker-js/faker'
import type { Queryable } from '../queryable.ts'
import type { ColumnNaming } from './column-naming.ts'

/** No keys: the default for transient params, associations and registries. */
export type Empty = Record<never, never>

/** What a default function receives. */
export interface AttributeContext<Row, Transient> {
  /**
   * A number no other object of this factory got in this worker, and that no other worker running
   * at the same time hands out: safe for unique columns (`user${sequence}@example.com`).
   */
  readonly sequence: number
  /**
   * The object's other attributes, each resolved when read, so `email` can build on `name`. An
   * attribute with neither a default nor an override reads as `undefined`.
   */
  readonly attributes: Readonly<Row>
  /** Transient params: inputs to the defaults that are not attributes themselves. */
  readonly transient: Readonly<Transient>
  /** This test's faker, seeded so a rerun with the same seed gets the same values. */
  readonly faker: Faker
}

/** A default: a value, or a function of the context. */
export type Attribute<Value, Row, Transient> = Value | ((context: AttributeContext<Row, Transient>) => Value)

/** An attribute's default per field. */
export type Defaults<Row, Transient> = { [K in keyof Row]?: Attribute<Row[K], Row, Transient> }

/** A trait: defaults layered over the factory's, and values for transient params. */
export type Trait<Row, Transient> = Defaults<Row, Transient> & { [K in keyof Transient]?: Transient[K] }

/** Method names a trait cannot take, since traits are properties of the same view. */
export type ReservedName = 'build' | 'buildList' | 'create' | 'createList' | 'attributesFor' | 'with' | 'then'

// biome-ignore lint/suspicious/noExplicitAny: the widest factory, for constraints.
export type AnyFactory = Factory<any, any, any, any>

/** An association declared in full: `author: { factory: user, foreignKey: 'authorId' }`. */
export interface Association<F extends AnyFactory = AnyFactory> {
  factory: F
  /**
   * The field of this factory that stores the associated row's key.
   * @default `${name}Id` (`author` → `authorId`)
   */
  foreignKey?: string
  /**
   * The field of the associated row that the foreign key stores.
   * @default 'id'
   */
  references?: string
  /** Traits of the associated factory, applied when this factory makes the association. */
  traits?: readonly TraitNameOf<F>[]
}

export type AssociationSpec = AnyFactory | Association

/** The object an association resolves to. */
export type AssociationRow<S> = S extends { readonly factory: infer F } ? CreatedOf<F> : CreatedOf<S>

/** What `build` and `create` return: the row's fields plus each association's object. */
export type Created<Row, Assoc> = [keyof Assoc] extends [never]
  ? Row
  : Row & { -readonly [K in keyof Assoc]: AssociationRow<Assoc[K]> }

/** Checks each full association's `traits` against its factory's trait names. */
export type CheckedAssociations<Assoc> = {
  [K in keyof Assoc]: Assoc[K] extends { readonly factory: infer F extends AnyFactory } ? Association<F> : Assoc[K]
}

/** What `create` and `build` accept: attribute values, transient params, association objects. */
export type Overrides<Row, Transient, Assoc> = Partial<Row> &
  Partial<Transient> & { [K in keyof Assoc]?: AssociationRow<Assoc[K]> | null }

/** `createList(n, …)`: the same overrides for each, or a function of the index. */
export type ListOverrides<Row, Transient, Assoc> =
  | Overrides<Row, Transient, Assoc>
  | ((index: number) => Overrides<Row, Transient, Assoc>)

/** What a `persist` function receives besides the attributes. */
export interface PersistContext {
  /** What the session writes through (the test's `db`). */
  readonly db: Queryable
  readonly table: string | undefined
  /** The factory's name, for messages. */
  readonly factory: string
}

/** What an `afterCreate` hook receives besides the created object. */
export interface HookContext<Transient> {
  readonly transient: Readonly<Transient>
  /** The traits in force, in the order applied. */
  readonly traits: readonly string[]
  /** The session, to create related objects: `factories.factory(post).createList(2, { author: user })`. */
  readonly factories: FactorySession
  readonly faker: Faker
}

/** The definition `defineFactory<Row>()(…)` takes. */
export interface FactoryDefinition<Row, TraitName extends string, Transient, Assoc> {
  /**
   * The name messages use.
   * @default the table, else 'factory'
   */
  name?: string
  /** The table `create` inserts into (`users`, `app.users`). */
  table?: string
  /**
   * Field-to-column names: per field (`{ email: 'email_address' }`, others snake_case), or a
   * ColumnNaming such as `sameName`.
   * @default snakeCase
   */
  columns?: ColumnNaming | { [K in keyof Row]?: string }
  /**
   * Persists the attributes instead of an INSERT (an ORM's create), returning the stored row.
   * @default INSERT … RETURNING * into `table`
   */
  persist?: (attributes: Partial<Row>, context: PersistContext) => Promise<Row> | Row
  /** Each field's default: a value or a function of `{ sequence, attributes, transient, faker }`. */
  defaults?: Defaults<Row, NoInfer<Transient>>
  /** Named variations, composable: `factories.user.admin.verified.create()`. */
  traits?: { [K in TraitName]: Trait<Row, NoInfer<Transient>> } & { [K in ReservedName]?: never }
  /** Transient params and their defaults: inputs to defaults and hooks, never written. */
  transient?: Transient
  /** Rows this one refers to, made with the same strategy unless given: `{ author: user }`. */
  associations?: CheckedAssociations<Assoc>
  /** Runs after `create` (not `build`), for rows that point back at this one. */
  afterCreate?: (row: Created<Row, NoInfer<Assoc>>, context: HookContext<NoInfer<Transient>>) => void | Promise<void>
}

/** A factory as `defineFactory` returns it: static, with no connection; a session runs it. */
export interface Factory<Row, TraitName extends string = never, Transient = Empty, Assoc = Empty> {
  readonly name: string
  readonly table: string | undefined
  readonly traitNames: readonly TraitName[]
  /** Carries the types only; never set. */
  readonly '~types'?: { row: Row; trait: TraitName; transient: Transient; associations: Assoc }
}

export type RowOf<F> = F extends Factory<infer Row, infer _T, infer _Tr, infer _A> ? Row : never
export type TraitNameOf<F> = F extends Factory<infer _R, infer T, infer _Tr, infer _A> ? T : never
export type CreatedOf<F> = F extends Factory<infer Row, infer _T, infer _Tr, infer A> ? Created<Row, A> : never

/** What a session offers for one factory, with its traits as properties. */
export interface FactoryMethods<Row, TraitName extends string, Transient, Assoc> {
  /** Builds the object and its associations; persists nothing. */
  build(overrides?: Overrides<Row, Transient, Assoc>): Created<Row, Assoc>
  buildList(count: number, overrides?: ListOverrides<Row, Transient, Assoc>): Created<Row, Assoc>[]
  /** Persists the associations, then the object (INSERT … RETURNING, or `persist`); returns the stored row. */
  create(overrides?: Overrides<Row, Transient, Assoc>): Promise<Created<Row, Assoc>>
  createList(count: number, overrides?: ListOverrides<Row, Transient, Assoc>): Promise<Created<Row, Assoc>[]>
  /** The attributes alone, as a plain object (a request body): no associations, nothing persisted. */
  attributesFor(overrides?: Overrides<Row, Transient, Assoc>): Partial<Row>
  /** The same factory with traits applied, for trait names held in variables. */
  with(...traits: TraitName[]): FactoryView<Row, TraitName, Transient, Assoc>
}

export type FactoryView<Row, TraitName extends string, Transient, Assoc> = FactoryMethods<
  Row,
  TraitName,
  Transient,
  Assoc
> & { readonly [K in TraitName]: FactoryView<Row, TraitName, Transient, Assoc> }

export type ViewOf<F> = F extends Factory<infer Row, infer T, infer Tr, infer A> ? FactoryView<Row, T, Tr, A> : never

/** The per-test object that runs factories: its seed, its faker, and a view per registered factory. */
export interface SessionCore {
  /** The seed to rerun with (`TESTBED_SEED=<seed>`). */
  readonly seed: number
  /** This session's faker, seeded from `seed` and the test's key. */
  readonly faker: Faker
  /** A view of any factory, registered or not. */
  factory<F extends AnyFactory>(factory: F): ViewOf<F>
  /** `faker seed: 1234 (rerun with TESTBED_SEED=1234)`. */
  seedMessage(): string
  /**
   * For the end of a test: when it failed and used faker, prints `seedMessage()` (with `print`,
   * default `console.error`) and returns it; otherwise returns `undefined`.
   */
  reportSeed(result: { readonly state?: string } | undefined, print?: (line: string) => void): string | undefined
}

export type FactoryRegistry = Readonly<Record<string, AnyFactory>>

export type FactorySession<Registry extends FactoryRegistry = Empty> = SessionCore & {
  readonly [K in keyof Registry]: ViewOf<Registry[K]>
}
