import type { Customer, IdentityProfile } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { type SuiteContext, settle } from './context.js'
import { event, id, order, profile, reward, share, sku, T0, visit } from './fixtures.js'

/**
 * #9.13 — a unionid links identities one way today; these are the cases of the two-way link.
 *
 * 1. A logs in on the official account (oa openid, no unionid); later B logs in on the
 *    mini-program (mp openid, unionid U). Nothing says they are one person: two customers.
 * 2. A logs in on the official account again and the provider now returns U: U is attached to A's
 *    identity, and because B holds U the two are merged — the older (A) survives, B's identities,
 *    tags, consents, orders, shares, visits, rewards and referrals follow A, B's id resolves to A,
 *    and the merge's effects (`customer.merged`) are written once, with it.
 * 3. Had B been created first, A would be merged into B: the older survives, whoever logs in.
 * 4. A's oa login reveals U and nobody holds it: U is attached, nothing merged; a later
 *    mini-program login with U joins A instead of creating a customer.
 * 5. Replaying the revealing login, or running it twice at once, merges once.
 * 6. An identity that already has a unionid keeps it, whatever a later login reports.
 */
export function mergeCases(ctx: SuiteContext): void {
  const oa = (subject: string, unionId?: string): IdentityProfile =>
    profile({ provider: 'wechat', subject, ...(unionId ? { unionId } : {}) })
  const mp = (subject: string, unionId: string): IdentityProfile =>
    profile({ provider: 'wechat-mp', subject, unionId })
  const login = async (p: IdentityProfile, now: number, onMerge = false) =>
    ctx.storage.upsertCustomer({
      id: id('cus'),
      profile: p,
      now,
      ...(onMerge
        ? {
            mergeEffects: (m: { survivorId: string; mergedId: string; unionId: string }) => ({
              events: [
                event({
                  id: `evt_merge_${m.mergedId}`,
                  type: 'customer.merged',
                  customerId: m.survivorId,
                  data: m,
                }),
              ],
            }),
          }
        : {}),
    })
  const ids = (cs: { id: string }[]) => cs.map((c) => c.id).sort()

  describe('#9.13 unionid merges', () => {
    it('#9.13 case 1: an oa login without unionid and an mp login with one stay two customers', async () => {
      const a = await login(oa('o_a'), T0)
      const b = await login(mp('m_b', 'U1'), T0 + 10)
      expect(a.created && b.created).toBe(true)
      expect(a.customer.id).not.toBe(b.customer.id)
    })

    it('#9.13 case 2: the oa login revealing the unionid merges the newer customer into the older, with everything it owns', async () => {
      const A = (await login(oa('o_a'), T0)).customer
      const B = (await login(mp('m_b', 'U2'), T0 + 10)).customer
      // B has history: tags, a consent, an order (with stock), a share with a visit and a reward, a referral.
      await ctx.storage.updateCustomer({ id: A.id, addTags: ['vip'], now: T0 + 11 })
      await ctx.storage.updateCustomer({
        id: B.id,
        addTags: ['duck-lover'],
        displayName: 'Bee',
        now: T0 + 11,
      })
      await ctx.storage.changeConsent({
        customerId: B.id,
        channel: 'wechat',
        topic: 'order.paid',
        change: { grant: 1 },
        now: T0 + 12,
      })
      const s = sku({ stock: 10 })
      await ctx.storage.putSku({ sku: s })
      const bOrder = order({ sku: s, customerId: B.id, idempotencyKey: 'cart-b-0001' })
      await ctx.storage.createOrder(bOrder)
      const bShare = share({ customerId: B.id })
      await ctx.storage.createShare({ share: bShare })
      const friend = (await login(profile(), T0 + 13)).customer
      await ctx.storage.recordVisit({ visit: visit(bShare, { customerId: friend.id }) })
      const bReward = reward({ sharerId: B.id })
      await ctx.storage.createReward({ reward: bReward })
      const referred = (
        await ctx.storage.upsertCustomer({
          id: id('cus'),
          profile: profile(),
          referredBy: B.id,
          now: T0 + 14,
        })
      ).customer

      const r = await login(oa('o_a', 'U2'), T0 + 100, true)
      expect(r.created).toBe(false)
      expect(r.merged).toEqual({ survivorId: A.id, mergedId: B.id })
      expect(r.customer.id).toBe(A.id)
      expect(r.customer.identities).toEqual([
        { provider: 'wechat', subject: 'o_a', unionId: 'U2' },
        { provider: 'wechat-mp', subject: 'm_b', unionId: 'U2' },
      ])
      expect([...r.customer.tags].sort()).toEqual(['duck-lover', 'vip'])
      expect(r.customer.displayName).toBe('Bee')
      expect(r.customer.consents).toEqual([
        { channel: 'wechat', topic: 'order.paid', remaining: 1, grantedAt: T0 + 12, revokedAt: null },
      ])
      expect(r.customer.createdAt).toBe(A.createdAt)

      // The old id and every identity resolve to the survivor.
      expect(await ctx.storage.getCustomer({ id: B.id })).toEqual(r.customer)
      expect(await ctx.storage.getCustomer({ id: A.id })).toEqual(r.customer)
      expect((await ctx.storage.findCustomerByIdentity({ provider: 'wechat-mp', subject: 'm_b' }))?.id).toBe(
        A.id,
      )
      // What B owned follows A.
      expect((await ctx.storage.getOrder({ id: bOrder.order.id }))?.customerId).toBe(A.id)
      expect(ids(await ctx.storage.listOrders({ customerId: A.id, limit: 10 }))).toEqual([bOrder.order.id])
      expect(await ctx.storage.listOrders({ customerId: B.id, limit: 10 })).toEqual([])
      expect((await ctx.storage.getShare({ id: bShare.id }))?.customerId).toBe(A.id)
      const last = await ctx.storage.lastVisit({ customerId: friend.id, since: 0 })
      expect(last?.sharerId).toBe(A.id)
      expect(ids(await ctx.storage.listRewards({ sharerId: A.id, limit: 10 }))).toEqual([bReward.id])
      expect((await ctx.storage.getCustomer({ id: referred.id }))?.referredBy).toBe(A.id)
      // The idempotency key now belongs to A: the same cart returns the same order, reserving nothing.
      const replay = await ctx.storage.createOrder(
        order({ sku: s, customerId: A.id, idempotencyKey: 'cart-b-0001' }),
      )
      expect(replay).toMatchObject({ created: false, order: { id: bOrder.order.id } })
      expect((await ctx.storage.getSku({ id: s.id }))?.stock).toBe(9)
      // Updates through the old id land on the survivor.
      await ctx.storage.updateCustomer({ id: B.id, addTags: ['late'], now: T0 + 200 })
      expect((await ctx.storage.getCustomer({ id: A.id }))?.tags).toContain('late')
      // The merge was recorded once, with both ids.
      const merged = await ctx.storage.listEvents({ types: ['customer.merged'], limit: 10 })
      expect(merged.map((e) => e.data)).toEqual([{ survivorId: A.id, mergedId: B.id, unionId: 'U2' }])
    })

    it('#9.13 case 3: the older customer survives whichever side reveals the link', async () => {
      const B = (await login(mp('m_b3', 'U3'), T0)).customer
      const A = (await login(oa('o_a3'), T0 + 10)).customer
      const r = await login(oa('o_a3', 'U3'), T0 + 20)
      expect(r.merged).toEqual({ survivorId: B.id, mergedId: A.id })
      expect(r.customer.id).toBe(B.id)
      expect((await ctx.storage.getCustomer({ id: A.id }))?.id).toBe(B.id)
      expect(r.customer.identities.map((i) => i.subject)).toEqual(['m_b3', 'o_a3'])
    })

    it('#9.13 case 4: a revealed unionid nobody holds is attached; a later login with it joins', async () => {
      const A = (await login(oa('o_a4'), T0)).customer
      const r = await login(oa('o_a4', 'U4'), T0 + 10, true)
      expect(r.merged).toBeUndefined()
      expect(r.customer.id).toBe(A.id)
      expect(r.customer.identities).toEqual([{ provider: 'wechat', subject: 'o_a4', unionId: 'U4' }])
      const joined = await login(mp('m_a4', 'U4'), T0 + 20)
      expect(joined).toMatchObject({ created: false, customer: { id: A.id } })
      expect(await ctx.storage.listEvents({ types: ['customer.merged'], limit: 10 })).toEqual([])
    })

    it('#9.13 case 5: a replayed or concurrent revealing login merges exactly once', async () => {
      const A = (await login(oa('o_a5'), T0)).customer
      const B = (await login(mp('m_b5', 'U5'), T0 + 10)).customer
      const { values, errors } = await settle(
        Array.from({ length: 5 }, (_, i) => login(oa('o_a5', 'U5'), T0 + 100 + i, true)),
      )
      expect(errors).toEqual([])
      expect(values.filter((v) => v.merged)).toHaveLength(1)
      expect(new Set(values.map((v) => v.customer.id))).toEqual(new Set([A.id]))
      const again = await login(oa('o_a5', 'U5'), T0 + 200, true)
      expect(again.merged).toBeUndefined()
      expect(await ctx.storage.listEvents({ types: ['customer.merged'], limit: 10 })).toHaveLength(1)
      expect((await ctx.storage.getCustomer({ id: B.id }))?.id).toBe(A.id)
    })

    it('#9.13 case 6: an identity keeps the unionid it has; a different one reported later changes nothing', async () => {
      const A = (await login(mp('m_a6', 'U6'), T0)).customer
      const C = (await login(mp('m_c6', 'U6b'), T0 + 10)).customer
      const r = await login(mp('m_a6', 'U6b'), T0 + 20)
      expect(r.merged).toBeUndefined()
      expect(r.customer).toEqual(A)
      expect((await ctx.storage.getCustomer({ id: C.id }))?.id).toBe(C.id)
    })

    it('#9.13 a merge survives both customers having used the same idempotency key', async () => {
      const A = (await login(oa('o_a8'), T0)).customer
      const B = (await login(mp('m_b8', 'U8'), T0 + 10)).customer
      const s = sku({ stock: null })
      await ctx.storage.putSku({ sku: s })
      const aOrder = order({ sku: s, customerId: A.id, idempotencyKey: 'cart-same-0001' })
      const bOrder = order({ sku: s, customerId: B.id, idempotencyKey: 'cart-same-0001' })
      await ctx.storage.createOrder(aOrder)
      await ctx.storage.createOrder(bOrder)
      const r = await login(oa('o_a8', 'U8'), T0 + 100)
      expect(r.merged).toEqual({ survivorId: A.id, mergedId: B.id })
      expect(ids(await ctx.storage.listOrders({ customerId: A.id, limit: 10 }))).toEqual(
        [aOrder.order.id, bOrder.order.id].sort(),
      )
      // The survivor's own order keeps the key.
      const replay = await ctx.storage.createOrder(
        order({ sku: s, customerId: A.id, idempotencyKey: 'cart-same-0001' }),
      )
      expect(replay).toMatchObject({ created: false, order: { id: aOrder.order.id } })
    })

    it('#9.13 merging keeps both consents: active wins over revoked, counted sends add up', async () => {
      const A = (await login(oa('o_a7'), T0)).customer
      const B = (await login(mp('m_b7', 'U7'), T0 + 10)).customer
      const grant = (c: Customer, topic: string, n: number | null) =>
        ctx.storage.changeConsent({
          customerId: c.id,
          channel: 'wechat',
          topic,
          change: { grant: n },
          now: T0 + 20,
        })
      await grant(A, 'order.paid', 2)
      await grant(B, 'order.paid', 1)
      await grant(A, 'order.shipped', 1)
      await ctx.storage.changeConsent({
        customerId: A.id,
        channel: 'wechat',
        topic: 'order.shipped',
        change: { revoke: true },
        now: T0 + 30,
      })
      await grant(B, 'order.shipped', null)
      const r = await login(oa('o_a7', 'U7'), T0 + 100)
      const byTopic = Object.fromEntries(r.customer.consents.map((c) => [c.topic, c]))
      expect(byTopic['order.paid']).toMatchObject({ remaining: 3, revokedAt: null })
      expect(byTopic['order.shipped']).toMatchObject({ remaining: null, revokedAt: null })
    })
  })
}
