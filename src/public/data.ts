export { type ColumnNaming, sameName, snakeCase } from '../data/factories/column-naming.ts'
export { defineFactory } from '../data/factories/define-factory.ts'
export { type FactoriesOptions, factoriesFor } from '../data/factories/factory-session.ts'
export type {
  AnyFactory,
  Association,
  AssociationRow,
  AssociationSpec,
  Attribute,
  AttributeContext,
  CheckedAssociations,
  Created,
  Defaults,
  Empty,
  Factory,
  FactoryDefinition,
  FactoryMethods,
  FactoryRegistry,
  FactorySession,
  FactoryView,
  HookContext,
  ListOverrides,
  Overrides,
  PersistContext,
  ReservedName,
  RowOf,
  SessionCore,
  Trait,
  TraitNameOf,
  ViewOf,
} from '../data/factories/factory-types.ts'
export { assertLint, type LintProblem, lint } from '../data/factories/lint.ts'
export { createLoader, type LoadFixture, load } from '../data/fixtures/load-fixture.ts'
export { fixtureId, fixtureUuid, rowId, rowUuid } from '../data/labelled/fixture-id.ts'
export type { FixtureRow, FixtureSet, LabelShape } from '../data/labelled/fixture-set.ts'
export { type LabelledFixtures, labelledFixtures, labelledRows } from '../data/labelled/labelled-fixtures.ts'
export type { Queryable } from '../data/queryable.ts'
