// Each official-account event end to end: the simulator pushes signed, AES-encrypted XML over HTTP
// to loop.fetch, the plugin applies it, and the test looks at what a user of the loop would see.
import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { createQrCode } from '../src/index.js'
import { OA_TOKEN, type OaWorld, oaWorld } from './oa-harness.js'

let w: OaWorld
afterEach(async () => {
  await w?.close()
})

const sha1 = (values: string[]) =>
  createHash('sha1')
    .update([...values].sort().join(''))
    .digest('hex')

describe('wechatOfficialAccount message server', () => {
  it('handshake: echoes echostr only for a valid signature', async () => {
    w = await oaWorld()
    const q = (signature: string) =>
      `${w.eventsUrl}?signature=${signature}&timestamp=1714036504&nonce=1514711492&echostr=4375120948345356249`
    const good = await fetch(q(sha1([OA_TOKEN, '1714036504', '1514711492'])))
    expect(good.status).toBe(200)
    expect(await good.text()).toBe('4375120948345356249')
    const bad = await fetch(q(sha1(['other', '1714036504', '1514711492'])))
    expect(bad.status).toBe(403)
    expect(await bad.text()).not.toContain('4375120948345356249')
  })

  it('subscribe → a followed customer with the unionid from user/info, one wechat.followed event', async () => {
    w = await oaWorld()
    const result = await w.sim.oa.follow({ user: 'alice' })
    expect(result).toEqual({ attempts: [200], reply: null, notice: null })
    const customer = await w.customerOf('alice')
    expect(customer?.followedAt).toBe(w.sim.now())
    expect(customer?.identities).toEqual([
      { provider: 'wechat', subject: w.sim.oa.openid('alice'), unionId: 'union_alice' },
    ])
    expect(await w.events('wechat.followed')).toHaveLength(1)
    expect(await w.loop.audiences.count('followers')).toBe(1)
  })

  it('compatible mode: the encrypted copy is what counts', async () => {
    w = await oaWorld({ mode: 'compatible' })
    expect(await w.sim.oa.follow({ user: 'bob' })).toMatchObject({ attempts: [200], notice: null })
    expect((await w.customerOf('bob'))?.followedAt).toBe(w.sim.now())
  })

  it('a follower who is already a customer from the mini-program (same unionid) joins that customer', async () => {
    w = await oaWorld()
    const { customer: existing } = await w.loop.customers.login({
      profile: { provider: 'wechat-mp', subject: 'oMiniAlice', unionId: 'union_alice' },
    })
    const createdBefore = (await w.events('customer.created')).length
    await w.sim.oa.follow({ user: 'alice' })
    const alice = await w.customerOf('alice')
    expect(alice?.id).toBe(existing.id)
    expect(alice?.followedAt).toBe(w.sim.now())
    expect(await w.events('customer.created')).toHaveLength(createdBefore)
  })

  it('unsubscribe → not following, unfollowedAt set, out of the followers audience', async () => {
    w = await oaWorld()
    await w.sim.oa.follow({ user: 'alice' })
    await w.sim.advance(60_000)
    await w.sim.oa.unfollow({ user: 'alice' })
    const customer = await w.customerOf('alice')
    expect(customer).toMatchObject({ followedAt: null, unfollowedAt: w.sim.now() })
    expect(await w.loop.audiences.count('followers')).toBe(0)
    expect(await w.events('wechat.unfollowed')).toHaveLength(1)
  })

  it('a text message records the interaction (the 48 h window) and a passive reply comes back encrypted', async () => {
    w = await oaWorld({
      oa: {
        reply: ({ push }) => (push.kind === 'message' ? { type: 'text', content: '收到，谢谢！' } : null),
      },
    })
    await w.sim.oa.follow({ user: 'bob' })
    await w.sim.advance(5_000)
    const result = await w.sim.oa.sendText({ user: 'bob', content: '有货吗' })
    expect(result.reply).toMatchObject({ msgType: 'text', content: '收到，谢谢！' })
    expect(result.notice).toBeNull()
    const customer = await w.customerOf('bob')
    expect(customer?.lastInteractionAt).toBe(Math.floor(w.sim.now() / 1000) * 1000)
    expect(await w.events('wechat.message_received')).toHaveLength(1)
  })

  it('TEMPLATESENDJOBFINISH becomes wechat.template_finished; an unknown event (LOCATION) is acknowledged and recorded once', async () => {
    w = await oaWorld({
      oa: {
        reply: () => {
          throw new Error('reply bug')
        },
      },
    })
    const openid = w.sim.oa.openid('alice')
    const template = w.sim.oa.xmlFor({
      user: 'alice',
      fields: [
        ['MsgType', 'event'],
        ['Event', 'TEMPLATESENDJOBFINISH'],
        ['MsgID', '200163836'],
        ['Status', 'failed:user block'],
      ],
    })
    expect(await w.sim.oa.pushXml({ xml: template, openid })).toMatchObject({ attempts: [200], notice: null })
    expect((await w.events('wechat.template_finished')).map((e) => e.data)).toEqual([
      { msgId: '200163836', status: 'failed:user block' },
    ])
    const location = w.sim.oa.xmlFor({
      user: 'alice',
      fields: [
        ['MsgType', 'event'],
        ['Event', 'LOCATION'],
        ['Latitude', 23.137466],
        ['Longitude', 113.352425],
      ],
    })
    expect(await w.sim.oa.pushXml({ xml: location, openid })).toMatchObject({ attempts: [200], notice: null })
    expect(await w.customerOf('alice')).toBeNull()
  })

  it('a menu CLICK and VIEW are events; CLICK counts as an interaction', async () => {
    w = await oaWorld({ mode: 'plaintext' })
    await w.sim.oa.menu({ user: 'alice', event: 'CLICK', key: 'NEW_ARRIVALS' })
    await w.sim.oa.menu({ user: 'alice', event: 'VIEW', key: 'https://shop.example/new' })
    const menu = await w.events('wechat.menu')
    expect(menu.map((e) => e.data)).toEqual([
      { openid: w.sim.oa.openid('alice'), event: 'CLICK', key: 'NEW_ARRIVALS' },
      { openid: w.sim.oa.openid('alice'), event: 'VIEW', key: 'https://shop.example/new' },
    ])
    expect((await w.customerOf('alice'))?.lastInteractionAt).not.toBeNull()
  })

  it('a poster QR with a share token: scanning follows, records a visit, and the order attributes to the sharer', async () => {
    w = await oaWorld()
    const { customer: sharer } = await w.loop.customers.login({
      profile: { provider: 'sandbox', subject: 'carol' },
    })
    const { token } = await w.loop.shares.create({ customerId: sharer.id, skuId: 'duck' })
    const qr = await createQrCode({ tokens: w.tokens, scene: token })
    expect(qr.imageUrl).toContain(encodeURIComponent(qr.ticket))
    await w.sim.oa.scan({ user: 'bob', ticket: qr.ticket })
    const bob = await w.customerOf('bob')
    expect(bob?.followedAt).not.toBeNull()
    const visited = await w.events('share.visited')
    expect(visited.map((e) => e.data)).toEqual([expect.objectContaining({ sharerId: sharer.id, via: 'qr' })])
    const { order } = await w.loop.checkout({ customerId: bob!.id, lines: [{ skuId: 'duck', quantity: 1 }] })
    expect(order.attribution).toMatchObject({ sharerId: sharer.id })
  })

  it('a follower scanning a share QR (SCAN) records a visit too; a forged 28-character scene records none', async () => {
    w = await oaWorld()
    const { customer: sharer } = await w.loop.customers.login({
      profile: { provider: 'sandbox', subject: 'carol' },
    })
    const { token } = await w.loop.shares.create({ customerId: sharer.id, skuId: 'duck' })
    await w.sim.oa.follow({ user: 'alice' })
    const forged = await createQrCode({
      tokens: w.tokens,
      scene: `${token.slice(0, 27)}${token.endsWith('A') ? 'B' : 'A'}`,
    })
    await w.sim.oa.scan({ user: 'alice', ticket: forged.ticket })
    expect(await w.events('share.visited')).toHaveLength(0)
    const qr = await createQrCode({ tokens: w.tokens, scene: token, permanent: true })
    expect(qr.expireSeconds).toBeNull()
    await w.sim.oa.scan({ user: 'alice', ticket: qr.ticket })
    expect(await w.events('wechat.scanned')).toHaveLength(2)
    expect(await w.events('share.visited')).toHaveLength(1)
  })

  it('subscription pop-up accept grants the mapped consent once; reject revokes it', async () => {
    w = await oaWorld({ oa: { subscriptions: { TPL_SHIPPED: { topic: 'order.fulfilled' } } } })
    await w.sim.oa.follow({ user: 'alice' })
    await w.sim.oa.subscriptionPopup({
      user: 'alice',
      choices: [
        { templateId: 'TPL_SHIPPED', status: 'accept' },
        { templateId: 'TPL_UNMAPPED', status: 'accept' },
      ],
    })
    let alice = await w.customerOf('alice')
    expect(alice?.consents).toEqual([
      expect.objectContaining({ channel: 'wechat', topic: 'order.fulfilled', remaining: 1, revokedAt: null }),
    ])
    expect((await w.events('wechat.subscription')).map((e) => e.data.topic)).toEqual([
      'order.fulfilled',
      null,
    ])
    await w.sim.oa.subscriptionPopup({
      user: 'alice',
      choices: [{ templateId: 'TPL_SHIPPED', status: 'reject' }],
    })
    alice = await w.customerOf('alice')
    expect(alice?.consents[0]?.revokedAt).not.toBeNull()
  })

  it('WeChat retries: the same signed push delivered four times is recorded once', async () => {
    w = await oaWorld()
    await w.sim.oa.follow({ user: 'alice' })
    const xml = w.sim.oa.xmlFor({
      user: 'alice',
      fields: [
        ['MsgType', 'text'],
        ['Content', 'hello'],
        ['MsgId', '6054768590064713728'],
      ],
    })
    const push = w.sim.oa.signedPush({ xml, openid: w.sim.oa.openid('alice') })
    const answers = await Promise.all(
      [1, 2, 3, 4].map(() => fetch(push.url, { method: 'POST', body: push.body }).then((r) => r.text())),
    )
    expect(answers).toEqual(['success', 'success', 'success', 'success'])
    expect(await w.events('wechat.message_received')).toHaveLength(1)
    expect((await w.events('wechat.message_received'))[0]?.data).toMatchObject({
      msgId: '6054768590064713728',
    })
  })

  it('regression: a subscribe replayed after the unsubscribe that followed it does not re-follow', async () => {
    w = await oaWorld()
    const openid = w.sim.oa.openid('alice')
    const xml = w.sim.oa.xmlFor({
      user: 'alice',
      fields: [
        ['MsgType', 'event'],
        ['Event', 'subscribe'],
      ],
    })
    const subscribe = w.sim.oa.signedPush({ xml, openid })
    expect(await (await fetch(subscribe.url, { method: 'POST', body: subscribe.body })).text()).toBe(
      'success',
    )
    await w.sim.advance(2_000)
    await w.sim.oa.unfollow({ user: 'alice' })
    expect(await (await fetch(subscribe.url, { method: 'POST', body: subscribe.body })).text()).toBe(
      'success',
    )
    expect(await w.customerOf('alice')).toMatchObject({ followedAt: null })
    expect(await w.events('wechat.followed')).toHaveLength(1)
  })

  it('a push the loop does not acknowledge (HTTP 404 here) is delivered three more times, then the user sees the notice', async () => {
    w = await oaWorld({ sim: { oa: { replyTimeoutMs: 200 } } })
    w.sim.oa.configure({
      url: `${w.eventsUrl.replace('/wechat/events', '/nowhere-slow')}`,
      token: OA_TOKEN,
      mode: 'plaintext',
    })
    const result = await w.sim.oa.follow({ user: 'alice' })
    expect(result.attempts).toHaveLength(4)
    expect(result.notice).toBe('该公众号暂时无法提供服务，请稍后再试')
  })

  it('safe mode refuses an unencrypted push, a bad signature and an oversized body, changing nothing', async () => {
    w = await oaWorld()
    const xml = w.sim.oa.xmlFor({
      user: 'alice',
      fields: [
        ['MsgType', 'event'],
        ['Event', 'subscribe'],
      ],
    })
    const ts = String(Math.floor(w.sim.now() / 1000))
    const plain = `${w.eventsUrl}?signature=${sha1([OA_TOKEN, ts, '1'])}&timestamp=${ts}&nonce=1&openid=x`
    expect((await fetch(plain, { method: 'POST', body: xml })).status).toBe(403)
    const signed = w.sim.oa.signedPush({ xml, openid: w.sim.oa.openid('alice') })
    expect(
      (
        await fetch(signed.url.replace(/signature=[0-9a-f]{4}/, 'signature=0000'), {
          method: 'POST',
          body: signed.body,
        })
      ).status,
    ).toBe(403)
    expect(
      (await fetch(signed.url, { method: 'POST', body: `${signed.body}${' '.repeat(70_000)}` })).status,
    ).toBe(413)
    // Without a content-length (chunked), the limit is counted while streaming.
    const chunk = new TextEncoder().encode(' '.repeat(16_384))
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent++
        if (sent > 1_000) controller.close()
        else controller.enqueue(chunk)
      },
    })
    const chunked = await w.loop.fetch(
      new Request(signed.url, { method: 'POST', body: stream, duplex: 'half' } as RequestInit),
    )
    expect(chunked.status).toBe(413)
    expect(sent).toBeLessThan(10)
    expect(await w.customerOf('alice')).toBeNull()
    expect(await w.loop.analytics.events({})).toEqual([])
  })

  it('MASSSENDJOBFINISH after a mass send becomes wechat.mass_send_finished with the counts', async () => {
    const { wechatMassSend } = await import('../src/index.js')
    w = await oaWorld()
    await w.sim.oa.follow({ user: 'alice' })
    await w.sim.oa.follow({ user: 'bob' })
    const sent = await wechatMassSend({ tokens: w.tokens }).byTag({
      tagId: 'all',
      message: { type: 'text', content: '周末上新' },
      clientMsgId: 'cmp_weekend_1',
    })
    await w.sim.advance(1_000)
    await w.sim.idle()
    const finished = await w.events('wechat.mass_send_finished')
    expect(finished.map((e) => e.data)).toEqual([
      {
        msgId: sent.msgId,
        status: 'send success',
        totalCount: 2,
        filterCount: 2,
        sentCount: 2,
        errorCount: 0,
      },
    ])
  })
})
