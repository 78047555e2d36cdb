// The official-account API helpers against the simulator: WeChat's quotas, windows and limits
// surface as LoopErrors with stable codes (the errcode kept as providerCode).
import { isLoopError } from '@loopkit/core'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createQrCode,
  importFollowers,
  oaCall,
  syncCustomerTags,
  wechatCustomerService,
  wechatMassSend,
  wechatTags,
} from '../src/index.js'
import { type OaWorld, oaWorld } from './oa-harness.js'

let w: OaWorld
afterEach(async () => {
  await w?.close()
})

const failure = async (p: Promise<unknown>) => {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  )
  if (!isLoopError(error)) throw new Error(`expected a LoopError, got ${String(error)}`)
  return { code: error.code, providerCode: error.providerCode, retryable: error.retryable }
}

const DAY = 86_400_000
const text = (content: string) => ({ type: 'text' as const, content })

describe('mass send', () => {
  it('a service account: each follower receives at most 4 mass messages a month; the 5th filters them out', async () => {
    w = await oaWorld({ mode: 'plaintext' })
    await w.sim.oa.follow({ user: 'alice' })
    await w.sim.oa.follow({ user: 'bob' })
    const mass = wechatMassSend({ tokens: w.tokens })
    for (let i = 1; i <= 5; i++)
      await mass.byTag({ tagId: 'all', message: text(`第${i}期`), clientMsgId: `cmp_${i}` })
    const jobs = w.sim.oa.jobs
    expect(jobs.map((j) => [j.totalCount, j.filterCount])).toEqual([
      [2, 2],
      [2, 2],
      [2, 2],
      [2, 2],
      [2, 0],
    ])
    expect(w.sim.oa.delivered.filter((d) => d.kind === 'mass' && d.user === 'alice')).toHaveLength(4)
  })

  it('a subscription account: one mass send a (CST) day — the second answers 45028 → quota_exceeded; next day it works', async () => {
    w = await oaWorld({ mode: 'plaintext', sim: { oa: { kind: 'subscription' } } })
    await w.sim.oa.follow({ user: 'alice' })
    const mass = wechatMassSend({ tokens: w.tokens })
    await mass.byTag({ tagId: 'all', message: text('one'), clientMsgId: 'd1' })
    expect(await failure(mass.byTag({ tagId: 'all', message: text('two'), clientMsgId: 'd2' }))).toEqual({
      code: 'quota_exceeded',
      providerCode: '45028',
      retryable: false,
    })
    await w.sim.advance(DAY)
    await expect(
      mass.byTag({ tagId: 'all', message: text('three'), clientMsgId: 'd3' }),
    ).resolves.toMatchObject({
      duplicate: false,
    })
  })

  it('clientmsgid: a resend within 24 h returns the first job (45065) and sends nothing; within a minute it is 45066', async () => {
    w = await oaWorld({ mode: 'plaintext' })
    await w.sim.oa.follow({ user: 'alice' })
    await w.sim.oa.follow({ user: 'bob' })
    const mass = wechatMassSend({ tokens: w.tokens })
    const openids = [w.sim.oa.openid('alice'), w.sim.oa.openid('bob')]
    const first = await mass.toOpenids({ openids, message: text('hi'), clientMsgId: 'cmp_7' })
    expect(
      await failure(mass.toOpenids({ openids, message: text('hi'), clientMsgId: 'cmp_7' })),
    ).toMatchObject({
      code: 'rate_limited',
      providerCode: '45066',
    })
    await w.sim.advance(61_000)
    expect(await mass.toOpenids({ openids, message: text('hi'), clientMsgId: 'cmp_7' })).toEqual({
      msgId: first.msgId,
      duplicate: true,
    })
    expect(w.sim.oa.jobs).toHaveLength(1)
  })

  it('refuses bad input before calling WeChat: one openid, a long clientMsgId', async () => {
    w = await oaWorld({ mode: 'plaintext' })
    const mass = wechatMassSend({ tokens: w.tokens })
    expect(
      await failure(mass.toOpenids({ openids: ['o1'], message: text('x'), clientMsgId: 'c' })),
    ).toMatchObject({
      code: 'invalid_input',
    })
    expect(
      await failure(mass.byTag({ tagId: 'all', message: text('x'), clientMsgId: 'c'.repeat(33) })),
    ).toMatchObject({ code: 'invalid_input' })
    expect(w.sim.open.calls('cgi-bin/stable_token')).toBe(0)
  })

  it('preview reaches exactly one follower and uses no quota', async () => {
    w = await oaWorld({ mode: 'plaintext', sim: { oa: { kind: 'subscription' } } })
    await w.sim.oa.follow({ user: 'alice' })
    const mass = wechatMassSend({ tokens: w.tokens })
    await mass.preview({ openid: w.sim.oa.openid('alice'), message: text('预览') })
    await mass.byTag({ tagId: 'all', message: text('正式'), clientMsgId: 'p1' })
    expect(w.sim.oa.delivered.map((d) => [d.kind, d.content])).toEqual([
      ['preview', '预览'],
      ['mass', '正式'],
    ])
  })
})

describe('customer-service messages (the 48 h window)', () => {
  const customerOf = async (user: string) => (await w.customerOf(user))!
  const send = (customer: Awaited<ReturnType<typeof customerOf>>, body: string) =>
    wechatCustomerService({ tokens: w.tokens }).send({
      customer,
      message: { topic: 'support', title: '', body, fields: {} },
      dedupeKey: `k_${body}`,
    })

  it('a message opens 5 sends for 48 h; the 6th is 45047, after 48 h 45015 — both window_closed, not retried', async () => {
    w = await oaWorld({ mode: 'plaintext' })
    await w.sim.oa.follow({ user: 'alice' })
    await w.sim.advance(2 * 60_000) // the follow's 1-minute allowance is over
    await w.sim.oa.sendText({ user: 'alice', content: '在吗' })
    const alice = await customerOf('alice')
    for (let i = 1; i <= 5; i++) await send(alice, `reply ${i}`)
    expect(await failure(send(alice, 'reply 6'))).toEqual({
      code: 'window_closed',
      providerCode: '45047',
      retryable: false,
    })
    await w.sim.advance(48 * 3_600_000)
    expect(await failure(send(alice, 'late'))).toEqual({
      code: 'window_closed',
      providerCode: '45015',
      retryable: false,
    })
    expect(w.sim.oa.delivered.filter((d) => d.kind === 'custom')).toHaveLength(5)
  })

  it('a follow opens 3 sends for one minute; after an unfollow every send is 45015', async () => {
    w = await oaWorld({ mode: 'plaintext' })
    await w.sim.oa.follow({ user: 'bob' })
    const bob = await customerOf('bob')
    await send(bob, 'welcome')
    await w.sim.oa.unfollow({ user: 'bob' })
    expect(await failure(send(bob, 'again'))).toMatchObject({ providerCode: '45015', code: 'window_closed' })
  })
})

describe('subscription notifications (simulator)', () => {
  it('a pop-up accept is one bizsend; the second is 43101 → recipient_refused', async () => {
    w = await oaWorld({ mode: 'plaintext', oa: { subscriptions: { TPL: { topic: 'order.fulfilled' } } } })
    await w.sim.oa.follow({ user: 'alice' })
    await w.sim.oa.subscriptionPopup({ user: 'alice', choices: [{ templateId: 'TPL', status: 'accept' }] })
    expect((await w.customerOf('alice'))?.consents[0]).toMatchObject({
      topic: 'order.fulfilled',
      remaining: 1,
    })
    const send = () =>
      oaCall({
        tokens: w.tokens,
        path: 'cgi-bin/message/subscribe/bizsend',
        json: { touser: w.sim.oa.openid('alice'), template_id: 'TPL', data: { thing1: { value: '已发货' } } },
      })
    await send()
    expect(await failure(send())).toMatchObject({ code: 'recipient_refused', providerCode: '43101' })
    expect(w.sim.oa.delivered.filter((d) => d.kind === 'subscription').map((d) => d.content)).toEqual([
      'thing1=已发货',
    ])
  })
})

describe('tags, followers, QR codes', () => {
  it('tags: limits checked (30-byte names, duplicates 45157, system tags 45058); batches of 50 are split', async () => {
    w = await oaWorld({ mode: 'plaintext' })
    const tags = wechatTags({ tokens: w.tokens })
    const vip = await tags.create({ name: 'vip' })
    expect(await failure(tags.create({ name: 'vip' }))).toMatchObject({
      code: 'conflict',
      providerCode: '45157',
    })
    expect(await failure(tags.create({ name: '很长的标签名字超过三十个字节了吧' }))).toMatchObject({
      code: 'invalid_input',
    })
    expect(await failure(tags.rename({ tagId: 2, name: 'x' }))).toMatchObject({ providerCode: '45058' })
    const users = Array.from({ length: 60 }, (_, i) => `u${i}`)
    for (const name of users) w.sim.open.addUser({ name })
    for (const name of users) await w.sim.oa.follow({ user: name })
    await tags.tag({ tagId: vip.id, openids: users.map((u) => w.sim.oa.openid(u)) })
    expect((await tags.list()).find((t) => t.id === vip.id)?.count).toBe(60)
    expect(w.sim.open.calls('cgi-bin/stable_token')).toBe(1)
  })

  it('two-way sync by name: loop tags are created and set on WeChat, WeChat tags join the customer', async () => {
    w = await oaWorld({ mode: 'plaintext' })
    await w.sim.oa.follow({ user: 'alice' })
    const alice = (await w.customerOf('alice'))!
    await w.storage.updateCustomer({ id: alice.id, addTags: ['vip'], now: w.sim.now() })
    const tags = wechatTags({ tokens: w.tokens })
    const gd = await tags.create({ name: '广东' })
    await tags.tag({ tagId: gd.id, openids: [w.sim.oa.openid('alice')] })
    const result = await syncCustomerTags({
      tokens: w.tokens,
      context: { storage: w.storage, now: w.sim.now },
      customerId: alice.id,
      openid: w.sim.oa.openid('alice'),
    })
    expect(result).toEqual({ pushed: ['vip'], pulled: ['广东'], skipped: [] })
    expect((await w.customerOf('alice'))?.tags.sort()).toEqual(['vip', '广东'].sort())
    const names = (await tags.tagsOf({ openid: w.sim.oa.openid('alice') })).map((id) =>
      w.sim.oa.tags().get(id),
    )
    expect(names.sort()).toEqual(['vip', '广东'].sort())
  })

  it('follower import pages through user/get (page size 2 here) and marks every follower; a re-run changes nothing', async () => {
    w = await oaWorld({ mode: 'plaintext', sim: { oa: { pageSize: 2 } } })
    // Followers from before the integration: their pushes never reached the loop (wrong token).
    w.sim.oa.configure({ url: w.eventsUrl, token: 'someoneElse', mode: 'plaintext' })
    for (const name of ['alice', 'bob', 'refuser', 'snapshot']) await w.sim.oa.follow({ user: name })
    expect(await w.customerOf('alice')).toBeNull()
    const storage = w.storage
    const context = {
      storage,
      now: w.sim.now,
      newId: (p: string) => `${p}_${Math.random().toString(36).slice(2)}`,
      event: (type: string, data: Record<string, unknown>, refs?: { customerId?: string | null }) => ({
        id: `evt_${Math.random()}`,
        type,
        at: w.sim.now(),
        customerId: refs?.customerId ?? null,
        orderId: null,
        data,
      }),
    }
    await w.sim.oa.unfollow({ user: 'snapshot' })
    const first = await importFollowers({ tokens: w.tokens, context })
    expect(first).toEqual({ followers: 3, created: 3, updated: 0, pages: 3 })
    expect(await storage.countCustomers({ where: { followed: true } })).toEqual({ count: 3 })
    const again = await importFollowers({ tokens: w.tokens, context })
    expect(again).toEqual({ followers: 3, created: 0, updated: 0, pages: 3 })
  })

  it('QR codes: scene ≤ 64 bytes and expiry ≤ 30 days are checked here; the permanent cap answers 45029', async () => {
    w = await oaWorld({ mode: 'plaintext', sim: { oa: { permanentQrLimit: 1 } } })
    expect(await failure(createQrCode({ tokens: w.tokens, scene: 'x'.repeat(65) }))).toMatchObject({
      code: 'invalid_input',
    })
    expect(
      await failure(createQrCode({ tokens: w.tokens, scene: 's', expireSeconds: 2_592_001 })),
    ).toMatchObject({
      code: 'invalid_input',
    })
    const temp = await createQrCode({ tokens: w.tokens, scene: 's', expireSeconds: 60 })
    expect(temp.expireSeconds).toBe(60)
    await createQrCode({ tokens: w.tokens, scene: 'p1', permanent: true })
    expect(await failure(createQrCode({ tokens: w.tokens, scene: 'p2', permanent: true }))).toMatchObject({
      code: 'quota_exceeded',
      providerCode: '45029',
    })
  })
})
