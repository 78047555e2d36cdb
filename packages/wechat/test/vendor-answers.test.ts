// Issue #14 item 8: every WeChat answer is parsed with a schema at the boundary. A genuine answer
// (errcode 0, or a correctly signed WeChat Pay body) in a shape the adapter does not expect is a
// `provider_error` naming the call and the field — never a cast that lets `undefined` through,
// and never an echo of the answer (it may hold a token or a session key).
import { isLoopError, type Refund } from '@loopkit/core'
import { memoryStorage } from '@loopkit/core/dev'
import { type WechatSimulator, wechatSimulator } from '@loopkit/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type FetchLike,
  wechatAccessToken,
  wechatLogin,
  wechatMessages,
  wechatMiniProgramLogin,
  wechatPayments,
} from '../src/index.js'
import { customer, order } from './pay-certificates-harness.js'

const caught = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  )

const SECRET = 'app-secret-0123456789abcdef0123'
const TOKEN = 'ACCESS_TOKEN_abcdefghijklmnop'

/** A stub api.weixin.qq.com: each path answers the JSON given for it (HTTP 200, as WeChat does). */
function stubFetch(answers: Record<string, unknown>): FetchLike {
  return async (input) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const path = url.pathname.replace(/^\//, '')
    if (!(path in answers)) return Response.json({ errcode: 40001, errmsg: 'not stubbed' })
    return Response.json(answers[path])
  }
}

function expectShapeError(error: unknown, operation: string, field: string, retryable: boolean) {
  expect(isLoopError(error)).toBe(true)
  expect(error).toMatchObject({ code: 'provider_error', retryable })
  const message = (error as Error).message
  expect(message).toContain(`[loopkit] [wechat] ${operation} answered in an unexpected shape at \`${field}\``)
  expect((error as { issues: unknown[] }).issues.length).toBeGreaterThan(0)
  for (const secret of [SECRET, TOKEN, 'session-key-value']) expect(message).not.toContain(secret)
}

describe('open-platform answers', () => {
  const good = { access_token: TOKEN, expires_in: 7200 }
  const tokens = (answers: Record<string, unknown>) =>
    wechatAccessToken({ appid: 'wx_oa', secret: SECRET, storage: memoryStorage(), fetch: stubFetch(answers) })

  it('an access token that is not a string is refused (retryable), and nothing is cached', async () => {
    const t = tokens({ 'cgi-bin/stable_token': { access_token: 42, expires_in: 7200 } })
    expectShapeError(await caught(t.getToken()), 'cgi-bin/stable_token', 'access_token', true)
  })

  it('an access token without expires_in is refused', async () => {
    const t = tokens({ 'cgi-bin/stable_token': { access_token: TOKEN } })
    expectShapeError(await caught(t.getToken()), 'cgi-bin/stable_token', 'expires_in', true)
  })

  it('an empty jsapi_ticket is refused', async () => {
    const t = tokens({
      'cgi-bin/stable_token': good,
      'cgi-bin/ticket/getticket': { ticket: '', expires_in: 7200 },
    })
    expectShapeError(await caught(t.getTicket()), 'cgi-bin/ticket/getticket', 'ticket', true)
  })

  it('code2session without an openid is refused, and the session key is not stored or echoed', async () => {
    const storage = memoryStorage()
    const login = wechatMiniProgramLogin({
      appid: 'wx_mp',
      secret: SECRET,
      storage,
      fetch: stubFetch({ 'sns/jscode2session': { session_key: 'session-key-value', openid: 7 } }),
    })
    expectShapeError(await caught(login.exchangeCode({ code: 'c1' })), 'sns/jscode2session', 'openid', false)
  })

  it('an OAuth token answer with a numeric openid is refused', async () => {
    const login = wechatLogin({
      appid: 'wx_oa',
      secret: SECRET,
      fetch: stubFetch({
        'sns/oauth2/access_token': { access_token: TOKEN, openid: 12345, scope: 'snsapi_base' },
      }),
    })
    expectShapeError(
      await caught(login.exchangeCode({ code: 'c1' })),
      'sns/oauth2/access_token',
      'openid',
      false,
    )
  })

  it('a userinfo answer with a numeric nickname is refused', async () => {
    const login = wechatLogin({
      appid: 'wx_oa',
      secret: SECRET,
      fetch: stubFetch({
        'sns/oauth2/access_token': { access_token: TOKEN, openid: 'o1', scope: 'snsapi_userinfo' },
        'sns/userinfo': { nickname: 7, headimgurl: 'https://x/y.png' },
      }),
    })
    expectShapeError(await caught(login.exchangeCode({ code: 'c1' })), 'sns/userinfo', 'nickname', false)
  })

  it('a template send answered with an object msgid is refused and not retried', async () => {
    const adapter = wechatMessages({
      officialAccount: {
        tokens: tokens({
          'cgi-bin/stable_token': good,
          'cgi-bin/message/template/send': { errcode: 0, msgid: {} },
        }),
      },
      templates: {
        'order.fulfilled': {
          kind: 'template',
          templateId: 'tmpl_shipped',
          fields: { character_string1: { type: 'character_string', from: 'orderNumber' } },
        },
      },
    })
    const error = await caught(
      adapter.send({
        customer: { ...customer, identities: [{ provider: 'wechat', subject: 'o1' }] },
        message: {
          topic: 'order.fulfilled',
          title: 'Shipped',
          body: 'On its way.',
          fields: { orderNumber: 'N1' },
        },
        dedupeKey: 'k1',
      }),
    )
    expectShapeError(error, 'template message send', 'msgid', false)
  })

  it('well-formed answers still work (the schemas do not refuse what WeChat documents)', async () => {
    const t = tokens({ 'cgi-bin/stable_token': { ...good, extra_field: 'kept out' } })
    expect(await t.getToken()).toBe(TOKEN)
  })
})

describe('WeChat Pay answers (correctly signed, wrong shape)', () => {
  let sim: WechatSimulator
  beforeAll(async () => {
    sim = await wechatSimulator({ timeScale: 0, pay: { allowInsecureNotifyUrl: true } })
  })
  afterAll(() => sim.close())
  const adapter = () => wechatPayments({ ...sim.pay.adapterOptions(), retry: 0 })
  const notifyUrl = 'http://127.0.0.1:9/notify'

  it('a prepay answer whose prepay_id is a number is refused', async () => {
    sim.pay.reshapeNext({ path: '/v3/pay/transactions/jsapi', change: () => ({ prepay_id: 123 }) })
    const error = await caught(
      adapter().createPayment({
        order: order(sim),
        customer,
        method: 'jsapi',
        notifyUrl,
        description: 'duck',
      }),
    )
    expectShapeError(error, 'WeChat Pay jsapi prepay', 'prepay_id', false)
  })

  it('a query answer with an unknown trade_state is refused (retryable)', async () => {
    const a = adapter()
    const o = order(sim)
    await a.createPayment({ order: o, customer, method: 'jsapi', notifyUrl, description: 'duck' })
    sim.pay.reshapeNext({
      path: '/v3/pay/transactions/out-trade-no/',
      change: (json) => ({ ...(json as object), trade_state: 'MAYBE' }),
    })
    expectShapeError(
      await caught(a.queryPayment({ orderNumber: o.number })),
      'WeChat Pay transaction query',
      'trade_state',
      true,
    )
    // The next, well-formed answer is read as before.
    expect(await a.queryPayment({ orderNumber: o.number })).toMatchObject({
      status: 'pending',
      orderNumber: o.number,
    })
  })

  it('a refund answer with a fractional amount is refused', async () => {
    const a = adapter()
    const o = order(sim)
    await a.createPayment({ order: o, customer, method: 'jsapi', notifyUrl, description: 'duck' })
    await sim.pay.payOrder({ outTradeNo: o.number })
    const refund: Refund = {
      id: 'ref_1',
      orderId: o.id,
      number: `R${o.number}`,
      amount: 100,
      currency: 'CNY',
      reason: null,
      status: 'pending',
      providerRef: null,
      createdAt: sim.now(),
      updatedAt: sim.now(),
    }
    sim.pay.reshapeNext({
      path: '/v3/refund/domestic/refunds',
      change: (json) => ({ ...(json as { amount: object }), amount: { total: 8800, refund: 1.5 } }),
    })
    const error = await caught(a.refund({ order: o, refund, notifyUrl }))
    expectShapeError(error, 'WeChat Pay refund', 'amount.refund', false)
    sim.pay.reshapeNext({
      path: '/v3/refund/domestic/refunds/',
      change: (json) => ({ ...(json as object), status: 42 }),
    })
    expectShapeError(
      await caught(a.queryRefund!({ order: o, refund })),
      'WeChat Pay refund query',
      'status',
      true,
    )
  })
})
