/**
 * A piece of a client's traffic the endpoint serves as one: a simple Query (or a FunctionCall),
 * or the extended-protocol messages up to a Sync or a Flush. Units of one client run in order.
 */
export type ClientUnit = (
  | { readonly kind: 'query'; readonly message: Buffer }
  | { readonly kind: 'extended'; readonly messages: readonly Buffer[]; readonly end: 'sync' | 'flush' }
) & {
  /** The endpoint's phase counter when the unit arrived: a unit sent during a test belongs to it. */
  readonly era: number
}

/** The state of a client's extended-protocol batch that spans several units (it sent a Flush). */
export interface OpenBatch {
  /** A savepoint of the endpoint's own is open around the batch's statements. */
  wrapped: boolean
  /** A message of the batch failed: the rest is skipped until the client's Sync, as PostgreSQL does. */
  failed: boolean
  /** Messages reached the server without a Sync after them. */
  unsynced: boolean
  /** Messages translated for the server and not sent yet. */
  outgoing: Buffer[]
  /** An Execute of the batch may start COPY FROM STDIN: nothing may follow it in the same write. */
  copies?: boolean
}
