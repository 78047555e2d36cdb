// Where the loop's CPU goes in bench/wechat-callback-e2e.bench.ts: the same callbacks, 16 in flight,
// taken only as far as one stage. `request` is the Web `Request` the handler is given (built by the
// caller); `body` reads it as the webhook route does; `verify` adds @loopkit/wechat's verify +
// decrypt; `storage` is the webhook flow's storage calls alone on a fresh SQLite file (the order by
// number, its customer, and the paid transition with its payment, delivery, event and outbox row,
// as `flows/webhook.ts` passes them). What `loop.fetch` costs beyond `verify` and `storage` is
// routing, the flow itself and the `Response`.
import type { Order, PaymentAdapter } from '@loopkit/core'
import { sqliteStorage } from '@loopkit/storage-sqlite'
import { newId } from '../packages/core/src/_internal/ids.js'
import { BODY_LIMITS, readBody } from '../packages/core/src/http/body.js'

export type Stage = 'request' | 'body' | 'verify' | 'storage'
export const STAGES: readonly Stage[] = ['request', 'body', 'verify', 'storage']

export interface StageInput {
  callbacks: ReadonlyArray<{
    orderNumber: string
    body: Uint8Array<ArrayBuffer>
    headers: Record<string, string>
  }>
  url: string
  inFlight: number
  wechat: PaymentAdapter
  /** A fresh SQLite file for the `storage` stage. */
  file: string
  synchronous: 'normal' | 'full'
  total: number
}

/** CPU µs per callback of one stage. */
export async function stageRound(stage: Stage, input: StageInput): Promise<number> {
  const { callbacks, inFlight } = input
  const step = stage === 'storage' ? await storageStep(input) : (i: number) => untilStage(stage, input, i)
  let next = 0
  const cpu0 = process.cpuUsage()
  const worker = async () => {
    for (let i = next++; i < callbacks.length; i = next++) await step(i)
  }
  await Promise.all(Array.from({ length: inFlight }, worker))
  const cpu = process.cpuUsage(cpu0)
  return (cpu.user + cpu.system) / callbacks.length
}

async function untilStage(stage: Stage, input: StageInput, i: number): Promise<void> {
  const c = input.callbacks[i]!
  const request = new Request(input.url, { method: 'POST', headers: c.headers, body: c.body })
  if (stage === 'request') return
  const body = await readBody(request, BODY_LIMITS.webhooks, 'webhook')
  if (stage === 'body') return
  const event = await input.wechat.parseWebhook({ body, headers: request.headers, url: request.url })
  if (event.kind !== 'payment.succeeded') throw new Error(`parsed ${event.kind}`)
}

/** Stores one pending order per callback, then returns the flow's storage calls for callback `i`. */
async function storageStep(input: StageInput): Promise<(i: number) => Promise<void>> {
  const storage = sqliteStorage({ file: input.file, synchronous: input.synchronous })
  for (const [i, c] of input.callbacks.entries()) {
    const now = Date.now()
    const { customer } = await storage.upsertCustomer({
      id: newId('cus'),
      profile: { provider: 'wechat', subject: `o-stage-${i}` },
      now,
    })
    const order: Order = {
      id: newId('ord'),
      number: c.orderNumber,
      customerId: customer.id,
      lines: [{ skuId: 'duck', title: 'Nanjing salted duck', quantity: 1, unitPrice: input.total }],
      total: input.total,
      currency: 'CNY',
      status: 'pending',
      provider: 'wechat',
      idempotencyKey: null,
      attribution: null,
      refunded: 0,
      providerRef: null,
      createdAt: now,
      expiresAt: now + 1_800_000,
      paidAt: null,
      updatedAt: now,
    }
    await storage.createOrder({ order, reserve: [] })
  }
  let paid = 0
  return async (i) => {
    const now = Date.now()
    const order = await storage.getOrderByNumber({ number: input.callbacks[i]!.orderNumber })
    if (!order) throw new Error('order not found')
    const customer = await storage.getCustomer({ id: order.customerId })
    const providerRef = `4200002345${i}`
    const refs = { customerId: order.customerId, orderId: order.id }
    const result = await storage.markPaid({
      orderId: order.id,
      delivery: { provider: 'wechat', eventId: `EV-${newId('evt')}`, receivedAt: now },
      payment: {
        id: `pay_${order.id}_wechat`,
        orderId: order.id,
        provider: 'wechat',
        providerRef,
        amount: order.total,
        currency: order.currency,
        status: 'succeeded',
        createdAt: now,
        updatedAt: now,
      },
      now,
      effects: {
        events: [
          {
            id: newId('evt'),
            type: 'order.paid',
            at: now,
            ...refs,
            data: {
              number: order.number,
              provider: 'wechat',
              providerRef,
              total: order.total,
              currency: 'CNY',
            },
          },
        ],
        outbox: [
          {
            id: newId('ntf'),
            dedupeKey: `order.paid:${order.id}:console`,
            channel: 'console',
            customerId: customer!.id,
            message: {
              topic: 'order.paid',
              title: 'Payment received',
              body: `We received ¥39.00 for order ${order.number}.`,
              fields: { orderNumber: order.number, amount: '¥39.00', title: 'Nanjing salted duck' },
            },
          },
        ],
      },
    })
    if (!result.changed) throw new Error('not paid')
    if (++paid === input.callbacks.length) await storage.close?.()
  }
}
