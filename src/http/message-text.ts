// Text for failure messages: bodies and headers as a person reads them, long bodies cut.

/** Bodies longer than this many characters are cut in messages. */
const BODY_PREVIEW_LIMIT = 1000

const decoder = new TextDecoder('utf-8', { fatal: true })

/** A body for a message: its text cut at the limit, `(empty)`, or a byte count when it is not UTF-8 text. */
export function describeBody(bytes: Uint8Array | undefined, contentType: string | null = null): string {
  if (bytes === undefined || bytes.byteLength === 0) return '(empty)'
  const text = decodeText(bytes)
  if (text === undefined) return `(${bytes.byteLength} bytes${contentType ? ` of ${contentType}` : ''})`
  return truncate(text)
}

export function truncate(text: string, limit = BODY_PREVIEW_LIMIT): string {
  if (text.length <= limit) return text
  return `${text.slice(0, limit)}… (${text.length - limit} more characters)`
}

/** `name: value, name: value` in the order given, or `(none)`. */
export function describeHeaders(headers: Headers): string {
  const pairs: string[] = []
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') pairs.push(`${name}: ${value}`)
  })
  for (const cookie of headers.getSetCookie()) pairs.push(`set-cookie: ${cookie}`)
  return pairs.length === 0 ? '(none)' : pairs.join(', ')
}

/** The UTF-8 text of `bytes`, or undefined when they are not valid UTF-8. */
export function decodeText(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes)
  } catch {
    return undefined
  }
}
