/** How a factory's fields map to its table's columns, both ways (results come back by column). */
export interface ColumnNaming {
  column(field: string): string
  field(column: string): string
}

/**
 * `createdAt` ↔ `created_at`, `userID` → `user_id`: the default.
 * @example
 * snakeCase.column('createdAt') // 'created_at'
 */
export const snakeCase: ColumnNaming = {
  column: (field) =>
    field
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
      .toLowerCase(),
  field: (column) => column.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase()),
}

/**
 * Fields are column names as they are.
 * @example
 * defineFactory<Event>()({ table: 'events', columns: sameName, defaults: { createdAt: () => new Date() } })
 */
export const sameName: ColumnNaming = { column: (field) => field, field: (column) => column }

/**
 * The naming a factory uses: a ColumnNaming as given, or an object of per-field column names with
 * snake_case for the rest. Fields the factory knows win when mapping a result back, so a field
 * such as `userID` (→ `user_id`) comes back as `userID`, not `userId`.
 */
export function resolveNaming(
  columns: ColumnNaming | Readonly<Record<string, string | undefined>> | undefined,
  knownFields: Iterable<string>,
): ColumnNaming {
  const base = isNaming(columns) ? columns : withOverrides(columns ?? {})
  const fieldByColumn = new Map<string, string>()
  for (const field of knownFields) fieldByColumn.set(base.column(field), field)
  return { column: base.column, field: (column) => fieldByColumn.get(column) ?? base.field(column) }
}

function isNaming(value: unknown): value is ColumnNaming {
  const candidate = value as Partial<ColumnNaming> | undefined
  return typeof candidate?.column === 'function' && typeof candidate.field === 'function'
}

function withOverrides(columns: Readonly<Record<string, string | undefined>>): ColumnNaming {
  const fieldByColumn = new Map(Object.entries(columns).map(([field, column]) => [column, field]))
  return {
    column: (field) => columns[field] ?? snakeCase.column(field),
    field: (column) => fieldByColumn.get(column) ?? snakeCase.field(column),
  }
}
