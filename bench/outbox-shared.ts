// Shared by `outbox.bench.ts` and the dispatcher processes it starts (`outbox-dispatcher.ts`).

import type { SandboxPayments } from '../packages/core/src/dev/index.js'
import type { Loop, MessagingAdapter } from '../packages/core/src/index.js'
import { isLoopError } from '../packages/core/src/index.js'

/** A messaging API with a fixed latency per send, like a real vendor's HTTP endpoint. */
export function fixedLatencyChannel(latencyMs: number): MessagingAdapter & { sent(): number } {
  let sent = 0
  return {
    id: 'api',
    canReach: () => true,
    async send({ dedupeKey }) {
      await new Promise((resolve) => setTimeout(resolve, latencyMs))
      sent++
      return { providerMessageId: `api_${dedupeKey.length}_${sent}` }
    },
    sent: () => sent,
  }
}

export const SKU = {
  id: 'duck-flash',
  title: 'Nanjing salted duck, flash price',
  description: null,
  imageUrl: null,
  price: 3900,
  currency: 'CNY',
  active: true,
}

/** Registers `buyers` customers (before the sale, not timed). */
export async function registerBuyers(loop: Loop, buyers: number): Promise<string[]> {
  const ids: string[] = []
  for (let b = 0; b < buyers; b += 64) {
    const batch = Array.from({ length: Math.min(64, buyers - b) }, (_, k) =>
      loop.customers.login({ profile: { provider: 'sandbox', subject: `buyer-${b + k}` } }),
    )
    for (const { customer } of await Promise.all(batch)) ids.push(customer.id)
  }
  return ids
}

/** The sale at full speed: `concurrency` buyers at a time check out and pay through `loop.fetch`. */
export async function sell(input: {
  loop: Loop
  sandbox: SandboxPayments
  buyers: string[]
  concurrency: number
}): Promise<{ paid: number; soldOut: number; ms: number }> {
  let next = 0
  let paid = 0
  let soldOut = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: input.concurrency }, async () => {
      for (let i = next++; i < input.buyers.length; i = next++) {
        try {
          const { order } = await input.loop.checkout({
            customerId: input.buyers[i]!,
            lines: [{ skuId: SKU.id, quantity: 1 }],
            idempotencyKey: `outbox-bench-${i}`,
          })
          const res = await input.loop.fetch(await input.sandbox.pay({ orderNumber: order.number }))
          if (!res.ok) throw new Error(`webhook answered ${res.status}: ${await res.text()}`)
          paid++
        } catch (e) {
          if (isLoopError(e) && e.code === 'out_of_stock') soldOut++
          else throw e
        }
      }
    }),
  )
  return { paid, soldOut, ms: performance.now() - t0 }
}
