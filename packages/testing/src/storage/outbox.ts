import { describe, expect, it } from 'vitest'
import { type SuiteContext, settle } from './context.js'
import { event, notification, T0 } from './fixtures.js'

export function outboxCases(ctx: SuiteContext): void {
  const claim = (now: number, leaseToken: string, limit = 10, leaseMs = 30_000) =>
    ctx.storage.claimNotifications({ now, limit, leaseMs, leaseToken })

  describe('outbox', () => {
    it('enqueues rows with defaults and skips existing dedupe keys', async () => {
      const a = notification()
      const b = notification({ nextAttemptAt: T0 + 5000 })
      expect(await ctx.storage.enqueueNotifications({ notifications: [a, b], now: T0 })).toEqual({
        inserted: 2,
      })
      const dup = notification({ dedupeKey: a.dedupeKey })
      const twice = notification()
      expect(
        await ctx.storage.enqueueNotifications({
          notifications: [dup, twice, { ...twice, id: 'ntf_twice2' }],
          now: T0,
        }),
      ).toEqual({
        inserted: 1,
      })
      const rows = await ctx.storage.listNotifications({ limit: 10 })
      expect(rows).toHaveLength(3)
      expect(rows.find((r) => r.id === a.id)).toEqual({
        ...a,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: T0,
        leaseUntil: null,
        leaseToken: null,
        lastError: null,
        providerMessageId: null,
        decision: null,
        createdAt: T0,
        updatedAt: T0,
      })
      expect(rows.find((r) => r.id === b.id)?.nextAttemptAt).toBe(T0 + 5000)
    })

    it('leases due rows only, and again once the lease runs out', async () => {
      const due = notification()
      const later = notification({ nextAttemptAt: T0 + 45_000 })
      await ctx.storage.enqueueNotifications({ notifications: [due, later], now: T0 })
      const first = await claim(T0, 'lease_a')
      expect(first.map((n) => n.id)).toEqual([due.id])
      expect(first[0]).toMatchObject({
        leaseToken: 'lease_a',
        leaseUntil: T0 + 30_000,
        attempts: 1,
        status: 'pending',
      })
      expect(await claim(T0 + 1000, 'lease_b')).toEqual([])
      const reclaimed = await claim(T0 + 30_000, 'lease_c')
      expect(reclaimed.map((n) => n.id)).toEqual([due.id])
      expect(reclaimed[0]).toMatchObject({ leaseToken: 'lease_c', attempts: 2 })
      const atLast = await claim(T0 + 45_000, 'lease_d')
      expect(atLast.map((n) => n.id)).toEqual([later.id])
    })

    it('honours the claim limit', async () => {
      await ctx.storage.enqueueNotifications({
        notifications: Array.from({ length: 5 }, () => notification()),
        now: T0,
      })
      expect(await claim(T0, 'lease_a', 3)).toHaveLength(3)
      expect(await claim(T0, 'lease_b', 3)).toHaveLength(2)
    })

    it('completes a sent row for good', async () => {
      const n = notification()
      await ctx.storage.enqueueNotifications({ notifications: [n], now: T0 })
      await claim(T0, 'lease_a')
      const e = event()
      const done = await ctx.storage.completeNotification({
        id: n.id,
        leaseToken: 'lease_a',
        outcome: { status: 'sent', providerMessageId: 'msg_1' },
        now: T0 + 10,
        effects: { events: [e] },
      })
      expect(done).toEqual({ changed: true })
      const [row] = await ctx.storage.listNotifications({ limit: 10 })
      expect(row).toMatchObject({
        status: 'sent',
        providerMessageId: 'msg_1',
        leaseToken: null,
        leaseUntil: null,
        updatedAt: T0 + 10,
      })
      expect(await claim(T0 + 999_999, 'lease_b')).toEqual([])
      expect((await ctx.storage.listEvents({ limit: 10 })).map((x) => x.id)).toEqual([e.id])
      const again = await ctx.storage.completeNotification({
        id: n.id,
        leaseToken: 'lease_a',
        outcome: { status: 'dead', error: 'x' },
        now: T0 + 11,
      })
      expect(again).toEqual({ changed: false })
    })

    it('schedules a retry and dead-letters a row', async () => {
      const n = notification()
      await ctx.storage.enqueueNotifications({ notifications: [n], now: T0 })
      await claim(T0, 'lease_a')
      await ctx.storage.completeNotification({
        id: n.id,
        leaseToken: 'lease_a',
        outcome: { status: 'retry', error: 'timeout', nextAttemptAt: T0 + 5000 },
        now: T0 + 10,
      })
      const [retry] = await ctx.storage.listNotifications({ limit: 10 })
      expect(retry).toMatchObject({
        status: 'pending',
        lastError: 'timeout',
        nextAttemptAt: T0 + 5000,
        leaseToken: null,
        attempts: 1,
      })
      expect(await claim(T0 + 4999, 'lease_b')).toEqual([])
      expect(await claim(T0 + 5000, 'lease_c')).toHaveLength(1)
      await ctx.storage.completeNotification({
        id: n.id,
        leaseToken: 'lease_c',
        outcome: { status: 'dead', error: 'refused' },
        now: T0 + 5001,
      })
      const [dead] = await ctx.storage.listNotifications({ status: 'dead', limit: 10 })
      expect(dead).toMatchObject({ id: n.id, status: 'dead', lastError: 'refused', attempts: 2 })
      expect(await claim(T0 + 999_999, 'lease_d')).toEqual([])
    })

    it('ignores a completion with a stale lease token', async () => {
      const n = notification()
      await ctx.storage.enqueueNotifications({ notifications: [n], now: T0 })
      await claim(T0, 'slow')
      await claim(T0 + 30_000, 'fresh')
      const stale = await ctx.storage.completeNotification({
        id: n.id,
        leaseToken: 'slow',
        outcome: { status: 'sent', providerMessageId: 'dup' },
        now: T0 + 30_001,
      })
      expect(stale).toEqual({ changed: false })
      const [row] = await ctx.storage.listNotifications({ limit: 10 })
      expect(row).toMatchObject({ status: 'pending', leaseToken: 'fresh', providerMessageId: null })
      const fresh = await ctx.storage.completeNotification({
        id: n.id,
        leaseToken: 'fresh',
        outcome: { status: 'sent', providerMessageId: 'm' },
        now: T0 + 30_002,
      })
      expect(fresh).toEqual({ changed: true })
      expect(
        await ctx.storage.completeNotification({
          id: 'ntf_missing',
          leaseToken: 'x',
          outcome: { status: 'sent', providerMessageId: null },
          now: T0,
        }),
      ).toEqual({ changed: false })
    })

    it('never hands the same row to two concurrent claims', async () => {
      await ctx.storage.enqueueNotifications({
        notifications: Array.from({ length: 200 }, () => notification()),
        now: T0,
      })
      const { values, errors } = await settle(
        Array.from({ length: 10 }, (_, i) => claim(T0, `lease_${i}`, 30)),
      )
      expect(errors).toEqual([])
      const ids = values.flat().map((n) => n.id)
      expect(new Set(ids).size).toBe(ids.length)
      expect(ids).toHaveLength(200)
    })

    it('lists rows by customer and status', async () => {
      const mine = notification({ customerId: 'cus_me' })
      const other = notification({ customerId: 'cus_other' })
      await ctx.storage.enqueueNotifications({ notifications: [mine, other], now: T0 })
      expect(
        (await ctx.storage.listNotifications({ customerId: 'cus_me', limit: 10 })).map((n) => n.id),
      ).toEqual([mine.id])
      expect(await ctx.storage.listNotifications({ status: 'sent', limit: 10 })).toEqual([])
      expect(await ctx.storage.listNotifications({ status: 'pending', limit: 1 })).toHaveLength(1)
    })
  })
}
