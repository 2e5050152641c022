/** A message without its final period, so it can sit inside a sentence of an error message. */
export function withoutPeriod(message: string): string {
  return message.replace(/\.+$/, '')
}
