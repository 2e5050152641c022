/** The third-party payment provider, over HTTP: the dependency tests mock. */
export interface PaymentsConfig {
  baseUrl: string
  apiKey: string
}

export type ChargeResult = { status: 'paid'; paymentId: string } | { status: 'declined'; reason: string }

export async function charge(
  config: PaymentsConfig,
  amountCents: number,
  currency: string,
  customer: string,
): Promise<ChargeResult> {
  const response = await fetch(`${config.baseUrl}/v1/charges`, {
    method: 'POST',
    headers: { authorization: `Bearer ${config.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ amount: amountCents, currency, customer }),
  })
  const body = (await response.json()) as { id?: string; error?: { message?: string } }
  if (response.status === 402) return { status: 'declined', reason: body.error?.message ?? 'declined' }
  if (!response.ok || !body.id) throw new Error(`payment provider answered ${response.status}`)
  return { status: 'paid', paymentId: body.id }
}
