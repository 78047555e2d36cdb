import { describe, expect, it } from 'vitest'
import { type SuiteContext, settle, written } from './context.js'
import { event, id, profile, T0 } from './fixtures.js'

export function customerCases(ctx: SuiteContext): void {
  describe('customers', () => {
    it('creates a customer from a new identity and finds it again', async () => {
      const p = profile({ displayName: 'Xiao Ming', avatarUrl: 'https://img.example/a.png' })
      const cid = id('cus')
      const { customer, created } = await ctx.storage.upsertCustomer({
        id: cid,
        profile: p,
        referredBy: 'cus_ref',
        now: T0,
      })
      expect(created).toBe(true)
      expect(customer).toEqual({
        id: cid,
        identities: [{ provider: p.provider, subject: p.subject }],
        displayName: 'Xiao Ming',
        avatarUrl: 'https://img.example/a.png',
        tags: [],
        consents: [],
        referredBy: 'cus_ref',
        followedAt: null,
        unfollowedAt: null,
        lastInteractionAt: null,
        timeZone: null,
        createdAt: T0,
        updatedAt: T0,
      })
      expect(await ctx.storage.getCustomer({ id: cid })).toEqual(customer)
      expect(await ctx.storage.findCustomerByIdentity({ provider: p.provider, subject: p.subject })).toEqual(
        customer,
      )
    })

    it('returns the existing customer for a known identity and never changes referredBy', async () => {
      const p = profile()
      const first = await ctx.storage.upsertCustomer({ id: id('cus'), profile: p, now: T0 })
      const again = await ctx.storage.upsertCustomer({
        id: id('cus'),
        profile: p,
        referredBy: 'cus_late',
        now: T0 + 5,
      })
      expect(again.created).toBe(false)
      expect(again.customer.id).toBe(first.customer.id)
      expect(again.customer.referredBy).toBeNull()
      expect((await ctx.storage.getCustomer({ id: first.customer.id }))?.referredBy).toBeNull()
    })

    it('links a new identity with a known unionId to the same customer', async () => {
      const mp = profile({ provider: 'wechat-mp', unionId: 'union_1' })
      const { customer } = await ctx.storage.upsertCustomer({ id: id('cus'), profile: mp, now: T0 })
      const mini = profile({ provider: 'wechat-mini', unionId: 'union_1' })
      const linked = await ctx.storage.upsertCustomer({ id: id('cus'), profile: mini, now: T0 + 1 })
      expect(linked.created).toBe(false)
      expect(linked.customer.id).toBe(customer.id)
      expect(linked.customer.identities).toEqual(
        expect.arrayContaining([
          { provider: 'wechat-mp', subject: mp.subject, unionId: 'union_1' },
          { provider: 'wechat-mini', subject: mini.subject, unionId: 'union_1' },
        ]),
      )
      expect(
        (await ctx.storage.findCustomerByIdentity({ provider: 'wechat-mini', subject: mini.subject }))?.id,
      ).toBe(customer.id)
      const other = await ctx.storage.upsertCustomer({
        id: id('cus'),
        profile: profile({ unionId: 'union_2' }),
        now: T0,
      })
      expect(other.created).toBe(true)
    })

    it('returns null for unknown customers and identities', async () => {
      expect(await ctx.storage.getCustomer({ id: 'cus_missing' })).toBeNull()
      expect(await ctx.storage.findCustomerByIdentity({ provider: 'sandbox', subject: 'nobody' })).toBeNull()
    })

    it('creates one customer when the same identity logs in concurrently', async () => {
      const p = profile()
      const results = await Promise.all(
        Array.from({ length: 20 }, () => ctx.storage.upsertCustomer({ id: id('cus'), profile: p, now: T0 })),
      )
      expect(results.filter((r) => r.created)).toHaveLength(1)
      expect(new Set(results.map((r) => r.customer.id)).size).toBe(1)
    })

    it('writes effects when it creates a customer, not when it finds one', async () => {
      const p = profile()
      const e1 = event({ type: 'customer.created' })
      await ctx.storage.upsertCustomer({ id: id('cus'), profile: p, now: T0, effects: { events: [e1] } })
      await ctx.storage.upsertCustomer({ id: id('cus'), profile: p, now: T0, effects: { events: [event()] } })
      expect((await written(ctx.storage)).events).toEqual([e1.id])
    })

    it('adds and removes tags and sets profile fields', async () => {
      const { customer } = await ctx.storage.upsertCustomer({
        id: id('cus'),
        profile: profile({ displayName: 'A', avatarUrl: 'https://img.example/a.png' }),
        now: T0,
      })
      const tagged = await ctx.storage.updateCustomer({
        id: customer.id,
        addTags: ['vip', 'duck-fan', 'vip'],
        now: T0 + 1,
      })
      expect([...(tagged?.tags ?? [])].sort()).toEqual(['duck-fan', 'vip'])
      const updated = await ctx.storage.updateCustomer({
        id: customer.id,
        addTags: ['beijing'],
        removeTags: ['duck-fan', 'never-had'],
        displayName: 'B',
        avatarUrl: null,
        now: T0 + 2,
      })
      expect([...(updated?.tags ?? [])].sort()).toEqual(['beijing', 'vip'])
      expect(updated).toMatchObject({ displayName: 'B', avatarUrl: null, updatedAt: T0 + 2 })
      const untouched = await ctx.storage.updateCustomer({ id: customer.id, now: T0 + 3 })
      expect(untouched).toMatchObject({ displayName: 'B', avatarUrl: null })
      expect(await ctx.storage.getCustomer({ id: customer.id })).toEqual(untouched)
      expect(await ctx.storage.updateCustomer({ id: 'cus_missing', addTags: ['x'], now: T0 })).toBeNull()
    })

    it('never lets a caller mutate stored state through returned or passed objects', async () => {
      const p = profile()
      const { customer } = await ctx.storage.upsertCustomer({ id: id('cus'), profile: p, now: T0 })
      customer.tags.push('hacked')
      customer.identities.length = 0
      p.subject = 'changed'
      const stored = await ctx.storage.getCustomer({ id: customer.id })
      expect(stored?.tags).toEqual([])
      expect(stored?.identities).toHaveLength(1)
      expect(stored?.identities[0]?.subject).not.toBe('changed')
    })
  })

  describe('consents', () => {
    const channel = 'wechat'
    const topic = 'order.paid'
    const newCustomer = async () =>
      (await ctx.storage.upsertCustomer({ id: id('cus'), profile: profile(), now: T0 })).customer

    it('counts one-time grants down and refuses when none is left', async () => {
      const c = await newCustomer()
      const granted = await ctx.storage.changeConsent({
        customerId: c.id,
        channel,
        topic,
        change: { grant: 2 },
        now: T0,
      })
      expect(granted).toEqual({
        ok: true,
        consent: { channel, topic, remaining: 2, grantedAt: T0, revokedAt: null },
      })
      const consume = () =>
        ctx.storage.changeConsent({
          customerId: c.id,
          channel,
          topic,
          change: { consume: true },
          now: T0 + 1,
        })
      expect(await consume()).toMatchObject({ ok: true, consent: { remaining: 1 } })
      expect(await consume()).toMatchObject({ ok: true, consent: { remaining: 0 } })
      expect((await consume()).ok).toBe(false)
      const more = await ctx.storage.changeConsent({
        customerId: c.id,
        channel,
        topic,
        change: { grant: 1 },
        now: T0 + 2,
      })
      expect(more).toMatchObject({ ok: true, consent: { remaining: 1 } })
      const stored = await ctx.storage.getCustomer({ id: c.id })
      expect(stored?.consents).toEqual([more.consent])
    })

    it('adds counted grants to an active consent', async () => {
      const c = await newCustomer()
      await ctx.storage.changeConsent({ customerId: c.id, channel, topic, change: { grant: 2 }, now: T0 })
      const more = await ctx.storage.changeConsent({
        customerId: c.id,
        channel,
        topic,
        change: { grant: 3 },
        now: T0 + 1,
      })
      expect(more.consent?.remaining).toBe(5)
    })

    it('never runs out of an uncounted consent, and ends any consent on revoke', async () => {
      const c = await newCustomer()
      await ctx.storage.changeConsent({ customerId: c.id, channel, topic, change: { grant: null }, now: T0 })
      for (let i = 0; i < 3; i++) {
        const r = await ctx.storage.changeConsent({
          customerId: c.id,
          channel,
          topic,
          change: { consume: true },
          now: T0 + i,
        })
        expect(r).toMatchObject({ ok: true, consent: { remaining: null } })
      }
      const revoked = await ctx.storage.changeConsent({
        customerId: c.id,
        channel,
        topic,
        change: { revoke: true },
        now: T0 + 9,
      })
      expect(revoked).toMatchObject({ ok: true, consent: { revokedAt: T0 + 9 } })
      const after = await ctx.storage.changeConsent({
        customerId: c.id,
        channel,
        topic,
        change: { consume: true },
        now: T0 + 10,
      })
      expect(after.ok).toBe(false)
      const regranted = await ctx.storage.changeConsent({
        customerId: c.id,
        channel,
        topic,
        change: { grant: 1 },
        now: T0 + 11,
      })
      expect(regranted).toMatchObject({
        ok: true,
        consent: { remaining: 1, revokedAt: null, grantedAt: T0 + 11 },
      })
    })

    it('keeps consents per channel and topic apart', async () => {
      const c = await newCustomer()
      await ctx.storage.changeConsent({ customerId: c.id, channel, topic, change: { grant: 1 }, now: T0 })
      const other = await ctx.storage.changeConsent({
        customerId: c.id,
        channel,
        topic: 'order.shipped',
        change: { consume: true },
        now: T0,
      })
      expect(other).toEqual({ ok: false, consent: null })
      expect((await ctx.storage.getCustomer({ id: c.id }))?.consents).toHaveLength(1)
    })

    it('reports ok: false for an unknown customer', async () => {
      const r = await ctx.storage.changeConsent({
        customerId: 'cus_missing',
        channel,
        topic,
        change: { grant: 1 },
        now: T0,
      })
      expect(r).toEqual({ ok: false, consent: null })
    })

    it('lets exactly `remaining` concurrent consumers through', async () => {
      const c = await newCustomer()
      await ctx.storage.changeConsent({ customerId: c.id, channel, topic, change: { grant: 5 }, now: T0 })
      const { values, errors } = await settle(
        Array.from({ length: 20 }, () =>
          ctx.storage.changeConsent({
            customerId: c.id,
            channel,
            topic,
            change: { consume: true },
            now: T0 + 1,
          }),
        ),
      )
      expect(errors).toEqual([])
      expect(values.filter((r) => r.ok)).toHaveLength(5)
      expect((await ctx.storage.getCustomer({ id: c.id }))?.consents[0]?.remaining).toBe(0)
    })

    it('writes effects only for a change that applied', async () => {
      const c = await newCustomer()
      const refused = event()
      await ctx.storage.changeConsent({
        customerId: c.id,
        channel,
        topic,
        change: { consume: true },
        now: T0,
        effects: { events: [refused] },
      })
      const applied = event()
      await ctx.storage.changeConsent({
        customerId: c.id,
        channel,
        topic,
        change: { grant: 1 },
        now: T0,
        effects: { events: [applied] },
      })
      expect((await written(ctx.storage)).events).toEqual([applied.id])
    })
  })
}
