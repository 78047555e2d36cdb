// The simulator holds merchants to WeChat Pay's rules, so a test that passes against it is not
// passing because the simulator is lenient. Requests here are hand-signed with the exported
// protocol functions, to send what the adapter never would.
import { type WechatSimulator, wechatSimulator } from '@loopkit/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authorizationHeader, createVerifiers, signRequest, verifyWechatSignature } from '../src/index.js'

let sim: WechatSimulator

beforeAll(async () => {
  sim = await wechatSimulator({ timeScale: 0 })
})
afterAll(async () => {
  await sim?.close()
})

async function call(input: {
  method: 'GET' | 'POST'
  path: string
  body?: unknown
  /** Sign this URL instead of the path actually requested (a classic mistake). */
  signedUrl?: string
  serialNo?: string
  timestamp?: number
  authorization?: string | null
}) {
  const { merchant } = sim.pay
  const body = input.body === undefined ? '' : JSON.stringify(input.body)
  const timestamp = input.timestamp ?? Math.floor(sim.now() / 1000)
  const nonce = 'N0NCE0000000000000000000000000AB'
  const signature = signRequest({
    privateKey: merchant.privateKey!,
    method: input.method,
    url: input.signedUrl ?? input.path,
    timestamp,
    nonce,
    body,
  })
  const authorization =
    input.authorization === undefined
      ? authorizationHeader({
          mchid: merchant.mchid,
          nonce,
          timestamp,
          serialNo: input.serialNo ?? merchant.serialNo,
          signature,
        })
      : input.authorization
  const res = await fetch(`${sim.url}${input.path}`, {
    method: input.method,
    headers: {
      'Content-Type': 'application/json',
      ...(authorization ? { Authorization: authorization } : {}),
    },
    ...(body ? { body } : {}),
  })
  const raw = new Uint8Array(await res.arrayBuffer())
  return {
    status: res.status,
    headers: res.headers,
    raw,
    json: raw.length ? JSON.parse(Buffer.from(raw).toString()) : null,
  }
}

const prepayBody = (over: Record<string, unknown> = {}) => ({
  appid: sim.pay.appid,
  mchid: sim.pay.mchid,
  description: '盐水鸭',
  out_trade_no: `R${Date.now()}${Math.floor(Math.random() * 1e6)}`,
  notify_url: 'https://shop.example/loop/webhooks/wechat',
  amount: { total: 100, currency: 'CNY' },
  ...over,
})

describe('merchant request signatures', () => {
  it('accepts a correctly signed request, items in any order, and signs its answer', async () => {
    const res = await call({ method: 'POST', path: '/v3/pay/transactions/native', body: prepayBody() })
    expect(res.status).toBe(200)
    expect(res.json.code_url).toMatch(/^weixin:\/\//)
    const verifiers = createVerifiers(sim.pay.verifiers())
    expect(() =>
      verifyWechatSignature({ headers: res.headers, body: res.raw, verifiers, now: sim.now() }),
    ).not.toThrow()
    expect(res.headers.get('Request-ID')).toBeTruthy()

    const { merchant } = sim.pay
    const ts = Math.floor(sim.now() / 1000)
    const body = prepayBody()
    const signature = signRequest({
      privateKey: merchant.privateKey!,
      method: 'POST',
      url: '/v3/pay/transactions/native',
      timestamp: ts,
      nonce: 'abc',
      body: JSON.stringify(body),
    })
    const shuffled = `WECHATPAY2-SHA256-RSA2048 signature="${signature}",timestamp="${ts}",serial_no="${merchant.serialNo}",nonce_str="abc",mchid="${merchant.mchid}"`
    expect(
      (await call({ method: 'POST', path: '/v3/pay/transactions/native', body, authorization: shuffled }))
        .status,
    ).toBe(200)
  })

  it.each([
    ['no Authorization', { authorization: null }, '格式错误'],
    ['a decimal serial', { serialNo: BigInt(`0x${'1F'.repeat(20)}`).toString() }, '序列号'],
    ['a millisecond timestamp', { timestamp: Date.now() }, '5分钟'],
    ['a timestamp 6 minutes old', { timestamp: Math.floor(Date.now() / 1000) - 360 }, '5分钟'],
    [
      'the full URL signed instead of the path',
      { signedUrl: 'https://api.mch.weixin.qq.com/v3/pay/transactions/native' },
      '签名错误',
    ],
  ])('answers 401 SIGN_ERROR for %s', async (_name, over, message) => {
    const res = await call({
      method: 'POST',
      path: '/v3/pay/transactions/native',
      body: prepayBody(),
      ...over,
    })
    expect(res.status).toBe(401)
    expect(res.json).toMatchObject({ code: 'SIGN_ERROR', message: expect.stringContaining(message) })
  })
})

describe('prepay field rules', () => {
  it.each([
    ['an http notify_url', { notify_url: 'http://127.0.0.1:3000/loop/webhooks/wechat' }, 'notify_url'],
    ['a notify_url with a query', { notify_url: 'https://shop.example/notify?order=1' }, 'notify_url'],
    ['a 128-character description', { description: '鸭'.repeat(128) }, 'description'],
    ['a short out_trade_no', { out_trade_no: 'abc' }, 'out_trade_no'],
    ['an out_trade_no with @', { out_trade_no: 'order@12345' }, 'out_trade_no'],
    ['a fractional amount', { amount: { total: 1.5, currency: 'CNY' } }, 'amount/total'],
    ['a USD amount', { amount: { total: 100, currency: 'USD' } }, 'amount/currency'],
    ['a non-RFC 3339 time_expire', { time_expire: '20220421191948' }, 'RFC3339'],
  ])('refuses %s with 400 PARAM_ERROR', async (_name, over, mention) => {
    const res = await call({ method: 'POST', path: '/v3/pay/transactions/native', body: prepayBody(over) })
    expect(res.status).toBe(400)
    expect(res.json).toMatchObject({ code: 'PARAM_ERROR', message: expect.stringContaining(mention) })
  })

  it('JSAPI needs payer.openid, H5 needs the client IP and h5_info; an unknown appid does not match the merchant', async () => {
    expect(
      (await call({ method: 'POST', path: '/v3/pay/transactions/jsapi', body: prepayBody() })).json.code,
    ).toBe('PARAM_ERROR')
    expect(
      (await call({ method: 'POST', path: '/v3/pay/transactions/h5', body: prepayBody() })).json.code,
    ).toBe('PARAM_ERROR')
    const h5 = await call({
      method: 'POST',
      path: '/v3/pay/transactions/h5',
      body: prepayBody({ scene_info: { payer_client_ip: '203.0.113.7', h5_info: { type: 'Wap' } } }),
    })
    expect(h5.json.h5_url).toContain('/_sim/pay?prepay_id=')
    const other = await call({
      method: 'POST',
      path: '/v3/pay/transactions/native',
      body: prepayBody({ appid: 'wx0000000000000000' }),
    })
    expect(other).toMatchObject({ status: 400, json: { code: 'APPID_MCHID_NOT_MATCH' } })
  })

  it('query needs mchid; unknown orders are 404 ORDER_NOT_EXIST; /v3/certificates answers as for a public-key merchant', async () => {
    expect(
      (await call({ method: 'GET', path: '/v3/pay/transactions/out-trade-no/NOSUCH123' })).json.code,
    ).toBe('PARAM_ERROR')
    expect(
      await call({
        method: 'GET',
        path: `/v3/pay/transactions/out-trade-no/NOSUCH123?mchid=${sim.pay.mchid}`,
      }),
    ).toMatchObject({
      status: 404,
      json: { code: 'ORDER_NOT_EXIST' },
    })
    expect((await call({ method: 'GET', path: '/v3/certificates' })).json.code).toBe('RESOURCE_NOT_EXISTS')
  })
})
