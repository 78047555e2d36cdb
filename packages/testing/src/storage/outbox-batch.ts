import { describe, expect, it } from 'vitest'
import type { SuiteContext } from './context.js'
import { event, notification, T0 } from './fixtures.js'

/** `completeNotifications` (many leases in one step) and the `release` outcome. */
export function outboxBatchCases(ctx: SuiteContext): void {
  const claim = (now: number, leaseToken: string, limit = 10) =>
    ctx.storage.claimNotifications({ now, limit, leaseMs: 30_000, leaseToken })
  const byId = async () =>
    new Map((await ctx.storage.listNotifications({ limit: 100 })).map((n) => [n.id, n]))

  describe('outbox batches', () => {
    it('completes many rows of one claim in one call, each with its own outcome and events', async () => {
      const [a, b, c, d] = Array.from({ length: 4 }, () => notification())
      await ctx.storage.enqueueNotifications({ notifications: [a!, b!, c!, d!], now: T0 })
      expect(await claim(T0, 'lease_a')).toHaveLength(4)
      const sentEvent = event({ type: 'notification.sent' })
      const deadEvent = event({ type: 'notification.dead' })
      const done = await ctx.storage.completeNotifications({
        leaseToken: 'lease_a',
        now: T0 + 10,
        completions: [
          { id: a!.id, outcome: { status: 'sent', providerMessageId: 'msg_a' }, events: [sentEvent] },
          { id: b!.id, outcome: { status: 'retry', error: 'timeout', nextAttemptAt: T0 + 5000 } },
          { id: c!.id, outcome: { status: 'dead', error: 'refused' }, events: [deadEvent] },
          { id: d!.id, outcome: { status: 'release', nextAttemptAt: T0 + 2000 } },
        ],
      })
      expect([...done.changed].sort()).toEqual([a!.id, b!.id, c!.id, d!.id].sort())
      const rows = await byId()
      expect(rows.get(a!.id)).toMatchObject({ status: 'sent', providerMessageId: 'msg_a', leaseToken: null })
      expect(rows.get(b!.id)).toMatchObject({
        status: 'pending',
        lastError: 'timeout',
        nextAttemptAt: T0 + 5000,
        attempts: 1,
        leaseToken: null,
        leaseUntil: null,
      })
      expect(rows.get(c!.id)).toMatchObject({ status: 'dead', lastError: 'refused' })
      expect(rows.get(d!.id)).toMatchObject({
        status: 'pending',
        attempts: 0,
        nextAttemptAt: T0 + 2000,
        lastError: null,
        leaseToken: null,
      })
      expect((await ctx.storage.listEvents({ limit: 10 })).map((e) => e.id).sort()).toEqual(
        [sentEvent.id, deadEvent.id].sort(),
      )
      expect((await claim(T0 + 2000, 'lease_b')).map((n) => n.id)).toEqual([d!.id])
    })

    it('skips rows whose lease the token no longer holds, and their events', async () => {
      const mine = notification()
      const stolen = notification()
      const finished = notification()
      await ctx.storage.enqueueNotifications({ notifications: [mine, stolen, finished], now: T0 })
      await claim(T0, 'slow')
      await ctx.storage.completeNotification({
        id: finished.id,
        leaseToken: 'slow',
        outcome: { status: 'sent', providerMessageId: 'first' },
        now: T0 + 1,
      })
      // The slow dispatcher's lease on `stolen` ran out and another took it over.
      await ctx.storage.completeNotification({
        id: stolen.id,
        leaseToken: 'slow',
        outcome: { status: 'release', nextAttemptAt: T0 },
        now: T0 + 2,
      })
      expect((await claim(T0 + 3, 'fresh')).map((n) => n.id)).toEqual([stolen.id])
      const lost = event()
      const done = await ctx.storage.completeNotifications({
        leaseToken: 'slow',
        now: T0 + 4,
        completions: [
          { id: mine.id, outcome: { status: 'sent', providerMessageId: 'm' } },
          { id: stolen.id, outcome: { status: 'sent', providerMessageId: 'dup' }, events: [lost] },
          { id: finished.id, outcome: { status: 'dead', error: 'late' }, events: [lost] },
          { id: 'ntf_missing', outcome: { status: 'sent', providerMessageId: null } },
        ],
      })
      expect(done.changed).toEqual([mine.id])
      const rows = await byId()
      expect(rows.get(stolen.id)).toMatchObject({
        status: 'pending',
        leaseToken: 'fresh',
        providerMessageId: null,
      })
      expect(rows.get(finished.id)).toMatchObject({ status: 'sent', providerMessageId: 'first' })
      expect(await ctx.storage.listEvents({ limit: 10 })).toEqual([])
      expect(await ctx.storage.completeNotifications({ leaseToken: 'x', now: T0, completions: [] })).toEqual({
        changed: [],
      })
    })

    it('a released row keeps its attempts as they were before the claim', async () => {
      const n = notification()
      await ctx.storage.enqueueNotifications({ notifications: [n], now: T0 })
      await claim(T0, 'a')
      await ctx.storage.completeNotification({
        id: n.id,
        leaseToken: 'a',
        outcome: { status: 'retry', error: 'busy', nextAttemptAt: T0 },
        now: T0,
      })
      await claim(T0, 'b')
      await ctx.storage.completeNotification({
        id: n.id,
        leaseToken: 'b',
        outcome: { status: 'release', nextAttemptAt: T0 + 100 },
        now: T0,
      })
      const [row] = await ctx.storage.listNotifications({ limit: 1 })
      expect(row).toMatchObject({
        attempts: 1,
        lastError: 'busy',
        nextAttemptAt: T0 + 100,
        status: 'pending',
      })
    })
  })
}
