import type { Customer, RenderedMessage } from '@loopkit/core'
import { memoryStorage } from '@loopkit/core/dev'
import { testMessagingAdapter } from '@loopkit/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type WechatMessagesOptions, wechatAccessToken, wechatMessages } from '../src/index.js'
import { startOpenSim, T0 } from './open-harness.js'

type Env = Awaited<ReturnType<typeof startOpenSim>>

const caught = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  )

const TEMPLATES: WechatMessagesOptions['templates'] = {
  'order.paid': {
    kind: 'subscribe',
    templateId: 'tmpl_paid_Xy12',
    page: (m) => `pages/orders/index?no=${m.fields.orderNumber}`,
    fields: {
      thing1: { type: 'thing', from: 'title' },
      amount2: { type: 'amount', from: 'amount' },
      character_string3: { type: 'character_string', from: 'orderNumber' },
    },
  },
  'order.fulfilled': {
    kind: 'template',
    templateId: 'tmpl_shipped_Ab34',
    fields: {
      thing1: { type: 'thing', from: 'title', truncate: true },
      character_string2: { type: 'character_string', from: 'orderNumber' },
    },
  },
}

function setup(env: Env, overrides: Partial<WechatMessagesOptions> = {}) {
  const storage = memoryStorage()
  const { sim, url } = env
  const oa = wechatAccessToken({
    appid: sim.officialAccount.appid,
    secret: sim.officialAccount.secret,
    storage,
    baseUrl: url,
    now: sim.now,
  })
  const mp = wechatAccessToken({
    appid: sim.miniProgram.appid,
    secret: sim.miniProgram.secret,
    storage,
    baseUrl: url,
    now: sim.now,
  })
  const adapter = wechatMessages({
    officialAccount: { tokens: oa },
    miniProgram: { tokens: mp },
    templates: TEMPLATES,
    ...overrides,
  })
  const customer = (user: string): Customer => ({
    id: `cus_${user}`,
    identities: [
      { provider: 'wechat', subject: sim.openid(user), unionId: `union_${user}` },
      {
        provider: 'wechat-mp',
        subject: sim.openid(user, { appid: sim.miniProgram.appid }),
        unionId: `union_${user}`,
      },
    ],
    displayName: user,
    avatarUrl: null,
    tags: [],
    consents: [],
    referredBy: null,
    followedAt: null,
    unfollowedAt: null,
    lastInteractionAt: null,
    timeZone: null,
    createdAt: T0,
    updatedAt: T0,
  })
  return {
    adapter,
    oa,
    mp,
    customer,
    mpOpenid: (user: string) => sim.openid(user, { appid: sim.miniProgram.appid }),
  }
}

const paid = (title = '南京盐水鸭 礼盒装'): RenderedMessage => ({
  topic: 'order.paid',
  title: 'Payment received',
  body: 'We received ¥88.00 for order 20250106020000AbCdEfGhIj.',
  fields: { orderNumber: '20250106020000AbCdEfGhIj', amount: '¥88.00', title },
})

const shipped = (title = '南京盐水鸭 礼盒装'): RenderedMessage => ({
  topic: 'order.fulfilled',
  title: 'Order shipped',
  body: 'Order 20250106020000AbCdEfGhIj is on its way.',
  url: 'https://shop.example.com/orders/ord_1',
  fields: { orderNumber: '20250106020000AbCdEfGhIj', title },
})

describe('wechatMessages', () => {
  let env: Env
  beforeEach(async () => {
    env = await startOpenSim()
  })
  afterEach(() => env.close())

  describe('keyword validation (47003 caught before sending)', () => {
    it('refuses a thing longer than 20 characters in validate and in send, sending nothing', async () => {
      const { adapter, customer } = setup(env)
      const long = paid('南京盐水鸭 礼盒装 两只装 含酱料包 顺丰冷链')
      let thrown: unknown
      try {
        adapter.validate!({ message: long })
      } catch (e) {
        thrown = e
      }
      expect(thrown).toMatchObject({ code: 'message_invalid', providerCode: '47003', retryable: false })
      expect((thrown as { issues: unknown[] }).issues).toEqual([
        {
          path: ['fields', 'title'],
          message: '`thing1` (thing) must be at most 20 characters',
          code: '47003',
        },
      ])
      expect(
        await caught(adapter.send({ customer: customer('alice'), message: long, dedupeKey: 'k1' })),
      ).toMatchObject({ code: 'message_invalid' })
      expect(env.sim.calls('cgi-bin/message/subscribe/send')).toBe(0)
    })

    it('is the message WeChat itself refuses with 47003, naming the field', async () => {
      const { mp, mpOpenid } = setup(env)
      env.sim.grantSubscription({ openid: mpOpenid('alice'), templateId: 'tmpl_paid_Xy12' })
      const error = await caught(
        mp.call({
          method: 'POST',
          path: 'cgi-bin/message/subscribe/send',
          json: {
            touser: mpOpenid('alice'),
            template_id: 'tmpl_paid_Xy12',
            data: { thing1: { value: '南京盐水鸭 礼盒装 两只装 含酱料包 顺丰冷链' } },
          },
        }),
      )
      expect(error).toMatchObject({ code: 'message_invalid', providerCode: '47003', retryable: false })
      expect((error as Error).message).toContain('data.thing1.value invalid')
    })

    it('cuts a thing marked truncate to 20 characters instead', async () => {
      const { adapter, customer } = setup(env)
      await adapter.send({
        customer: customer('alice'),
        message: shipped('Nanjing salted duck, gift box of two'),
        dedupeKey: 'k-trunc',
      })
      expect(env.sim.messages[0]!.data.thing1).toBe('Nanjing salted duck…')
      expect([...env.sim.messages[0]!.data.thing1!].length).toBe(20)
    })

    it('refuses a topic without a template and a field the message lacks', () => {
      const { adapter } = setup(env)
      expect(() => adapter.validate!({ message: { ...paid(), topic: 'reward.accrued' } })).toThrow(
        /No WeChat template for topic `reward.accrued`/,
      )
      expect(() =>
        adapter.validate!({ message: { ...paid(), fields: { title: 'x', amount: '¥1.00' } } }),
      ).toThrow(/takes `orderNumber`/)
      expect(() =>
        adapter.validate!({ message: { ...paid(), fields: { ...paid().fields, amount: 'USD 88.00' } } }),
      ).toThrow(/amount2/)
    })
  })

  describe('subscribe messages', () => {
    it('sends with the consent WeChat granted and maps 43101 to a non-retryable recipient_refused', async () => {
      const { adapter, customer, mpOpenid } = setup(env)
      expect(adapter.consentFor!({ message: paid() })).toEqual({ topic: 'order.paid' })
      const refused = await caught(
        adapter.send({ customer: customer('alice'), message: paid(), dedupeKey: 'k1' }),
      )
      expect(refused).toMatchObject({ code: 'recipient_refused', providerCode: '43101', retryable: false })
      expect(env.sim.messages).toEqual([])

      env.sim.grantSubscription({ openid: mpOpenid('alice'), templateId: 'tmpl_paid_Xy12', count: 1 })
      const sent = await adapter.send({ customer: customer('alice'), message: paid(), dedupeKey: 'k2' })
      expect(sent.providerMessageId).toMatch(/^\d+$/)
      expect(env.sim.messages).toEqual([
        {
          kind: 'subscribe',
          appid: env.sim.miniProgram.appid,
          openid: mpOpenid('alice'),
          user: 'alice',
          templateId: 'tmpl_paid_Xy12',
          data: {
            thing1: '南京盐水鸭 礼盒装',
            amount2: '¥88.00',
            character_string3: '20250106020000AbCdEfGhIj',
          },
          page: 'pages/orders/index?no=20250106020000AbCdEfGhIj',
          msgid: Number(sent.providerMessageId),
          at: T0,
        },
      ])
      // A one-time grant is used up by one send.
      expect(
        await caught(adapter.send({ customer: customer('alice'), message: paid(), dedupeKey: 'k3' })),
      ).toMatchObject({ code: 'recipient_refused' })
    })

    it('names the topic of a subscribe template, for recording wx.requestSubscribeMessage acceptances', () => {
      const { adapter } = setup(env)
      expect(adapter.topicFor({ templateId: 'tmpl_paid_Xy12' })).toBe('order.paid')
      expect(adapter.topicFor({ templateId: 'tmpl_shipped_Ab34' })).toBeNull()
    })
  })

  describe('template messages', () => {
    it('needs no consent, carries the url, and sets client_msg_id from the dedupe key so a retry is not sent twice', async () => {
      const { adapter, customer } = setup(env)
      expect(adapter.consentFor!({ message: shipped() })).toBeNull()
      const first = await adapter.send({
        customer: customer('alice'),
        message: shipped(),
        dedupeKey: 'order.fulfilled:ord_1:wechat',
      })
      const again = await adapter.send({
        customer: customer('alice'),
        message: shipped(),
        dedupeKey: 'order.fulfilled:ord_1:wechat',
      })
      expect(again.providerMessageId).toBe(first.providerMessageId)
      expect(env.sim.messages).toHaveLength(1)
      expect(env.sim.messages[0]).toMatchObject({
        kind: 'template',
        openid: env.sim.openid('alice'),
        url: 'https://shop.example.com/orders/ord_1',
        clientMsgId: 'order.fulfilled:ord_1:wechat',
        data: { thing1: '南京盐水鸭 礼盒装', character_string2: '20250106020000AbCdEfGhIj' },
      })
      // After WeChat's ten-minute window the same id is a new message.
      await env.sim.advance(10 * 60_000 + 1)
      await adapter.send({
        customer: customer('alice'),
        message: shipped(),
        dedupeKey: 'order.fulfilled:ord_1:wechat',
      })
      expect(env.sim.messages).toHaveLength(2)
    })

    it('opens a mini-program page from a template message when configured', async () => {
      const { adapter, customer } = setup(env, {
        templates: {
          'order.fulfilled': {
            ...TEMPLATES['order.fulfilled']!,
            kind: 'template',
            miniprogram: {
              appid: env.sim.miniProgram.appid,
              pagepath: (m) => `pages/orders/index?no=${m.fields.orderNumber}`,
            },
          },
        },
      })
      await adapter.send({ customer: customer('alice'), message: shipped(), dedupeKey: 'k-mp' })
      expect(env.sim.messages[0]).toMatchObject({
        url: 'https://shop.example.com/orders/ord_1',
        miniprogram: {
          appid: env.sim.miniProgram.appid,
          pagepath: 'pages/orders/index?no=20250106020000AbCdEfGhIj',
        },
      })
    })

    it('maps 45015 (outside the 48 h window) to a permanent failure', async () => {
      env.sim.addUser({ name: 'quiet', outsideWindow: true })
      const { adapter, customer } = setup(env)
      expect(
        await caught(adapter.send({ customer: customer('quiet'), message: shipped(), dedupeKey: 'k' })),
      ).toMatchObject({
        code: 'forbidden',
        providerCode: '45015',
        retryable: false,
      })
    })

    it('maps a WeChat system error (-1) to a retryable failure', async () => {
      const { adapter, customer } = setup(env)
      env.sim.failNext({ path: 'cgi-bin/message/template/send', errcode: -1, errmsg: 'system error' })
      expect(
        await caught(adapter.send({ customer: customer('alice'), message: shipped(), dedupeKey: 'k' })),
      ).toMatchObject({
        code: 'provider_unavailable',
        retryable: true,
      })
    })
  })

  describe('reachability and configuration', () => {
    it('reaches a customer through the identity each kind needs', async () => {
      const { customer } = setup(env)
      const alice = customer('alice')
      const webOnly = { ...alice, identities: alice.identities.filter((i) => i.provider === 'wechat') }
      const mpOnly = { ...alice, identities: alice.identities.filter((i) => i.provider === 'wechat-mp') }
      const subscribeOnly = setup(env, { templates: { 'order.paid': TEMPLATES['order.paid']! } }).adapter
      expect(subscribeOnly.canReach({ customer: mpOnly })).toBe(true)
      expect(subscribeOnly.canReach({ customer: webOnly })).toBe(false)
      const both = setup(env).adapter
      expect(both.canReach({ customer: webOnly })).toBe(true)
      // Reachable on the channel, but this topic's template needs the other identity.
      expect(await caught(both.send({ customer: webOnly, message: paid(), dedupeKey: 'k' }))).toMatchObject({
        code: 'not_found',
        retryable: false,
      })
    })

    it('refuses templates WeChat would reject, at construction', () => {
      const { oa } = setup(env)
      const mk =
        (templates: WechatMessagesOptions['templates'], withMp = true) =>
        () =>
          wechatMessages({
            officialAccount: { tokens: oa },
            ...(withMp ? { miniProgram: { tokens: oa } } : {}),
            templates,
          })
      expect(
        mk({
          t: { kind: 'subscribe', templateId: 'x', fields: { thing1: { type: 'amount', from: 'amount' } } },
        }),
      ).toThrow(/`thing1` is a `thing` in WeChat/)
      expect(mk({ t: { kind: 'subscribe', templateId: 'x', fields: {} } }, false)).toThrow(
        /Missing required option `miniProgram`/,
      )
      expect(
        mk({
          a: { kind: 'subscribe', templateId: 'x', fields: {} },
          b: { kind: 'subscribe', templateId: 'x', fields: {} },
        }),
      ).toThrow(/share a subscribe template/)
      expect(
        mk({
          t: {
            kind: 'template',
            templateId: 'x',
            fields: { number1: { type: 'number', from: 'n', truncate: true } },
          },
        }),
      ).toThrow(/`truncate` only applies/)
    })
  })
})

describe('wechatMessages contract', () => {
  let env: Env | null = null
  const teardown = async () => {
    await env?.close()
  }
  testMessagingAdapter({
    name: 'wechatMessages, mini-program subscribe (simulator)',
    setup: async () => {
      env = await startOpenSim()
      const s = setup(env, { templates: { 'order.paid': TEMPLATES['order.paid']! } })
      env.sim.grantSubscription({ openid: s.mpOpenid('alice'), templateId: 'tmpl_paid_Xy12', count: 10 })
      const sim = env.sim
      return {
        adapter: s.adapter,
        customer: s.customer('alice'),
        message: paid(),
        invalidMessage: paid('x'.repeat(21)),
        inbox: async () => sim.messages,
      }
    },
    teardown,
  })
  testMessagingAdapter({
    name: 'wechatMessages, official-account template (simulator)',
    setup: async () => {
      env = await startOpenSim()
      const s = setup(env, { templates: { 'order.fulfilled': TEMPLATES['order.fulfilled']! } })
      const sim = env.sim
      const invalid = { ...shipped(), fields: { ...shipped().fields, orderNumber: '订单 1' } }
      return {
        adapter: s.adapter,
        customer: s.customer('alice'),
        message: shipped(),
        invalidMessage: invalid,
        dedupes: true,
        inbox: async () => sim.messages,
      }
    },
    teardown,
  })
})
