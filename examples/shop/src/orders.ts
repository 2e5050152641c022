/** One line of an order as the API receives it. */
export interface OrderLine {
  sku: string
  quantity: number
  unitPriceCents: number
}

/** The order total in cents, or what is wrong with the lines. */
export function orderTotal(lines: unknown): { totalCents: number } | { problem: string } {
  if (!Array.isArray(lines) || lines.length === 0) return { problem: 'an order needs at least one line' }
  let totalCents = 0
  for (const line of lines as OrderLine[]) {
    if (!Number.isInteger(line?.quantity) || line.quantity < 1) return { problem: `bad quantity for ${line?.sku}` }
    if (!Number.isInteger(line.unitPriceCents) || line.unitPriceCents < 0)
      return { problem: `bad price for ${line.sku}` }
    totalCents += line.quantity * line.unitPriceCents
  }
  return totalCents > 0 ? { totalCents } : { problem: 'an order must cost something' }
}

export function isEmail(value: unknown): value is string {
  return typeof value === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)
}
