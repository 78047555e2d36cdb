import type { PaymentAdapter } from '../../contracts/payment.js'
import { loopError } from '../../errors.js'

const serves = (adapter: PaymentAdapter, method: string) => adapter.methods?.includes(method) === true

/**
 * Which payment adapter a checkout uses, decided before anything is written:
 *
 * - an explicit `provider` wins (and must serve `method` when the adapter declares its methods);
 * - else a `method` picks the one adapter that declares it (two that do are ambiguous: name the
 *   provider); a lone adapter that declares no methods takes any method, as before;
 * - else the first adapter, the documented default.
 *
 * Every refusal is `LoopError('invalid_input')`.
 */
export function pickProvider(
  payments: ReadonlyMap<string, PaymentAdapter>,
  input: { provider?: string | undefined; method?: string | undefined },
): PaymentAdapter {
  const all = [...payments.values()]
  const { provider, method } = input
  if (provider !== undefined) {
    const adapter = payments.get(provider)
    if (!adapter) throw loopError('checkout', 'invalid_input', `No payment provider \`${provider}\`.`)
    if (method !== undefined && adapter.methods && !serves(adapter, method)) {
      throw loopError(
        'checkout',
        'invalid_input',
        `Payment provider \`${provider}\` has no method \`${method}\`; it serves ${adapter.methods.join(', ')}.`,
      )
    }
    return adapter
  }
  if (method === undefined) {
    const first = all[0]
    if (!first) throw loopError('checkout', 'invalid_input', 'No payment provider is configured.')
    return first
  }
  const matching = all.filter((a) => serves(a, method))
  if (matching.length === 1) return matching[0]!
  if (matching.length > 1) {
    throw loopError(
      'checkout',
      'invalid_input',
      `Method \`${method}\` is served by ${matching.map((a) => a.id).join(' and ')}; name the \`provider\`.`,
    )
  }
  if (all.length === 1 && !all[0]!.methods) return all[0]!
  throw loopError('checkout', 'invalid_input', `No payment provider serves method \`${method}\`.`)
}
