import type pg from 'pg'

export type QueryCallback = (error: Error | null, result?: unknown) => void

/** A pg query config object, as Drizzle and others pass it: `{ text, values, name, rowMode, types }`. */
export type QueryConfigObject = pg.QueryConfig<unknown[]> & { callback?: QueryCallback }

/** One `query()` call, whatever form it came in, reduced to what the connection needs. */
export interface QueryCall {
  /** The SQL, for classifying and for messages. */
  readonly text: string
  /** What pg gets: the app's string, or its config object without a callback. */
  readonly config: string | QueryConfigObject
  readonly values: unknown[] | undefined
  readonly callback: QueryCallback | undefined
}

/** A query object pg drives itself (pg.Query, pg-cursor, pg-query-stream): it has `submit`. */
export interface SubmittableCall {
  readonly submittable: pg.Submittable & { text?: string }
}

/**
 * Reads every form `client.query` accepts: `(text)`, `(text, values)`, `(text, callback)`,
 * `(text, values, callback)`, `(config)`, `(config, values)`, `(config, callback)`, `(submittable)`.
 */
export function readQueryCall(config: unknown, values?: unknown, callback?: unknown): QueryCall | SubmittableCall {
  if (config === null || config === undefined) throw new TypeError('Client was passed a null or undefined query')
  if (typeof (config as pg.Submittable).submit === 'function') return { submittable: config as pg.Submittable }
  const lastCallback = (typeof values === 'function' ? values : callback) as QueryCallback | undefined
  const givenValues = typeof values === 'function' ? undefined : (values as unknown[] | undefined)
  if (typeof config === 'string') return { text: config, config, values: givenValues, callback: lastCallback }
  const { callback: configCallback, ...rest } = config as QueryConfigObject
  const text = typeof rest.text === 'string' ? rest.text : ''
  return { text, config: rest, values: givenValues, callback: lastCallback ?? configCallback }
}

/** Settles a promise the pg way: through the callback when there is one (returning nothing), or as the promise. */
export function settle<T>(promise: Promise<T>, callback: QueryCallback | undefined): Promise<T> | undefined {
  if (callback === undefined) return promise
  promise.then(
    (result) => callback(null, result),
    (error: Error) => callback(error),
  )
  return undefined
}
