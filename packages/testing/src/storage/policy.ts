import { describe, expect, it } from 'vitest'
import type { SuiteContext } from './context.js'
import { notification, T0 } from './fixtures.js'

const DAY = 86_400_000

/**
 * The notification policy's storage side (issue #10): decisions and the `skipped` status on outbox
 * rows, a fallback row written atomically with the outcome of the row it replaces, and the send
 * ledger (`reserveSend`) that frequency caps count — never exceeded under concurrency.
 */
export function policyCases(ctx: SuiteContext): void {
  const claim = (now: number, leaseToken: string) =>
    ctx.storage.claimNotifications({ now, limit: 10, leaseMs: 30_000, leaseToken })
  const byId = async () =>
    new Map((await ctx.storage.listNotifications({ limit: 100 })).map((n) => [n.id, n]))

  describe('notification policy (#10)', () => {
    it('records decisions, the skipped status, and a fallback row only with an outcome that applied', async () => {
      const [skip, fell, defer, stolen] = Array.from({ length: 4 }, () => notification())
      await ctx.storage.enqueueNotifications({ notifications: [skip!, fell!, defer!, stolen!], now: T0 })
      expect(await claim(T0, 'lease_a')).toHaveLength(4)
      const next = notification({
        dedupeKey: `${fell!.dedupeKey}:next`,
        channel: 'next',
        customerId: fell!.customerId,
      })
      const lost = notification({ dedupeKey: `${stolen!.dedupeKey}:next`, channel: 'next' })
      const { changed } = await ctx.storage.completeNotifications({
        leaseToken: 'lease_a',
        now: T0 + 10,
        completions: [
          { id: skip!.id, outcome: { status: 'skipped', decision: 'skipped: frequency_cap' } },
          {
            id: fell!.id,
            outcome: {
              status: 'dead',
              error: 'recipient_refused: 43101',
              decision: 'fell_back: recipient_refused',
            },
            outbox: [next],
          },
          {
            id: defer!.id,
            outcome: { status: 'release', nextAttemptAt: T0 + DAY, decision: 'deferred: quiet_hours' },
          },
        ],
      })
      expect([...changed].sort()).toEqual([skip!.id, fell!.id, defer!.id].sort())
      // A lease another dispatcher holds now: its outcome and fallback row are not written.
      await ctx.storage.completeNotifications({
        leaseToken: 'not_the_holder',
        now: T0 + 10,
        completions: [
          { id: stolen!.id, outcome: { status: 'skipped', decision: 'fell_back: x' }, outbox: [lost] },
        ],
      })
      const rows = await byId()
      expect(rows.get(skip!.id)).toMatchObject({
        status: 'skipped',
        decision: 'skipped: frequency_cap',
        leaseToken: null,
      })
      expect(rows.get(fell!.id)).toMatchObject({ status: 'dead', decision: 'fell_back: recipient_refused' })
      expect(rows.get(defer!.id)).toMatchObject({
        status: 'pending',
        decision: 'deferred: quiet_hours',
        nextAttemptAt: T0 + DAY,
        attempts: 0,
      })
      expect(rows.get(stolen!.id)).toMatchObject({ status: 'pending', decision: null })
      expect(rows.get(next.id)).toMatchObject({
        status: 'pending',
        channel: 'next',
        decision: null,
        attempts: 0,
      })
      expect(rows.has(lost.id)).toBe(false)
      // Skipped rows are never claimed again.
      expect((await claim(T0 + 60_000, 'lease_b')).map((n) => n.id).sort()).toEqual(
        [stolen!.id, next.id].sort(),
      )
    })

    it('reserveSend counts a class per customer inside each window; a key already reserved stays ok', async (t) => {
      const reserve = ctx.storage.reserveSend
      if (!reserve) return t.skip('this adapter has no send ledger (reserveSend is optional)')
      const r = (key: string, now: number, customerId = 'cus_a', cls = 'marketing') =>
        reserve.call(ctx.storage, {
          key,
          customerId,
          class: cls,
          caps: [
            { max: 1, windowMs: DAY },
            { max: 2, windowMs: 30 * DAY },
          ],
          now,
        })
      expect(await r('m1', T0)).toEqual({ ok: true })
      expect(await r('m1', T0 + 5)).toEqual({ ok: true })
      expect(await r('m2', T0 + 10)).toEqual({ ok: false })
      expect(await r('m2', T0 + 10, 'cus_b')).toEqual({ ok: true })
      expect(await r('m3', T0 + 10, 'cus_a', 'other')).toEqual({ ok: true })
      expect(await r('m4', T0 + DAY + 1)).toEqual({ ok: true })
      // The monthly cap of 2 holds after the daily one has room again.
      expect(await r('m5', T0 + 2 * DAY + 2)).toEqual({ ok: false })
      expect(await r('m6', T0 + 31 * DAY)).toEqual({ ok: true })
    })

    it('releaseSend gives a reservation back: the cap has room again, and an unknown key is a no-op', async (t) => {
      const reserve = ctx.storage.reserveSend
      const release = ctx.storage.releaseSend
      if (!reserve) return t.skip('this adapter has no send ledger (reserveSend is optional)')
      expect(release, 'an adapter with reserveSend must implement releaseSend').toBeTypeOf('function')
      const r = (key: string, now: number) =>
        reserve.call(ctx.storage, {
          key,
          customerId: 'cus_rel',
          class: 'marketing',
          caps: [{ max: 1, windowMs: DAY }],
          now,
        })
      expect(await r('r1', T0)).toEqual({ ok: true })
      expect(await r('r2', T0 + 1)).toEqual({ ok: false })
      await release!.call(ctx.storage, { key: 'r1' })
      await release!.call(ctx.storage, { key: 'never-reserved' })
      expect(await r('r2', T0 + 2)).toEqual({ ok: true })
      expect(await r('r3', T0 + 3)).toEqual({ ok: false })
    })

    it('200 concurrent reservations for one customer under a cap of 3: exactly 3 succeed', async (t) => {
      const reserve = ctx.storage.reserveSend
      if (!reserve) return t.skip('this adapter has no send ledger (reserveSend is optional)')
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          reserve.call(ctx.storage, {
            key: `k${i}`,
            customerId: 'cus_hot',
            class: 'marketing',
            caps: [{ max: 3, windowMs: DAY }],
            now: T0 + i,
          }),
        ),
      )
      expect(results.filter((x) => x.ok)).toHaveLength(3)
    })
  })
}
