import { loopError, type MessagingAdapter, type SendInput, type StorageAdapter } from '@loopkit/core'
import { consoleMessaging, memoryStorage } from '@loopkit/core/dev'
import { describe, expect, it } from 'vitest'
import { duck, testLoop } from './_setup.js'

/** Memory storage that loses the next outcome record, as a process killed right after the send would. */
function losingRecords() {
  const storage = memoryStorage()
  let losing = false
  const wrapped: StorageAdapter = {
    ...storage,
    async completeNotifications(input) {
      if (losing) throw loopError('memory-storage', 'storage_error', 'process died before the commit')
      return storage.completeNotifications(input)
    },
  }
  return {
    storage: wrapped,
    losing: (on: boolean) => {
      losing = on
    },
  }
}

describe('delivery is at-least-once, with a stable dedupe key', () => {
  it('a send whose record is lost goes again with the same key; a channel that dedupes delivers it once', async () => {
    const attempts: SendInput[] = []
    const plain: MessagingAdapter = {
      id: 'plain',
      canReach: () => true,
      async send(input) {
        attempts.push(input)
        return { providerMessageId: `p${attempts.length}` }
      },
    }
    const deduping = consoleMessaging({ id: 'console', log: () => {} })
    const { storage, losing } = losingRecords()
    const t = testLoop({ storage, messaging: [plain, deduping], onError: () => {} })
    await t.loop.catalog.put(duck)
    const c = await t.customer('ann')
    const { order } = await t.loop.checkout({ customerId: c.id, lines: [{ skuId: 'duck', quantity: 1 }] })
    await t.loop.fetch(await t.sandbox.pay({ orderNumber: order.number }))

    losing(true)
    expect(await t.loop.notify.dispatch()).toMatchObject({ claimed: 2, sent: 0 })
    expect(attempts).toHaveLength(1)
    expect(deduping.sent).toHaveLength(1)
    losing(false)

    // Nothing was recorded, so once the lease runs out both rows go again.
    t.clock.advance(60_000)
    expect(await t.loop.notify.dispatch()).toMatchObject({ claimed: 2, sent: 2 })
    expect(attempts.map((a) => a.dedupeKey)).toEqual([
      `order.paid:${order.id}:plain`,
      `order.paid:${order.id}:plain`,
    ])
    // The channel that dedupes answered the repeat with the first message id and delivered nothing new.
    expect(deduping.dedupes).toBe(true)
    expect(deduping.sent.map((m) => m.dedupeKey)).toEqual([`order.paid:${order.id}:console`])
    const rows = await t.loop.notify.list({ status: 'sent' })
    expect(rows.find((r) => r.channel === 'console')?.providerMessageId).toBe(
      deduping.sent[0]!.providerMessageId,
    )
    expect(plain.dedupes).toBeUndefined()
  })
})
