// Published vectors (shared/reference/protocols.md §6.1), byte for byte, plus a notification
// verification vector built from K1 the way Alipay signs its notifications.
import { createPrivateKey, createPublicKey, sign } from 'node:crypto'
import { isLoopError } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import {
  notifySignContent,
  requestSignContent,
  signRequestParams,
  verifyAlipayNotification,
  verifyAlipayResponse,
} from '../src/index.js'
import { K1_PRIVATE_KEY, K1_PUBLIC_KEY } from './keys.js'

const privateKey = createPrivateKey(K1_PRIVATE_KEY)
const publicKey = createPublicKey(K1_PUBLIC_KEY)

const V_A3_PARAMS = {
  app_id: '2014072300007148',
  method: 'alipay.trade.wap.pay',
  format: 'JSON',
  charset: 'utf-8',
  sign_type: 'RSA2',
  timestamp: '2014-07-24 03:07:50',
  version: '1.0',
  notify_url: 'https://example.com/alipay/notify',
  return_url: 'https://example.com/return',
  biz_content:
    '{"out_trade_no":"20150320010101001","total_amount":"88.88","subject":"Iphone6 16G","product_code":"QUICK_WAP_WAY"}',
}
const V_A3_CONTENT =
  'app_id=2014072300007148&biz_content={"out_trade_no":"20150320010101001","total_amount":"88.88","subject":"Iphone6 16G","product_code":"QUICK_WAP_WAY"}&charset=utf-8&format=JSON&method=alipay.trade.wap.pay&notify_url=https://example.com/alipay/notify&return_url=https://example.com/return&sign_type=RSA2&timestamp=2014-07-24 03:07:50&version=1.0'
const V_A3_SIGN =
  'YYZmZpEifiwbEDztpoqcaZJ1Hb9boP4Q/K4erJO8ynjUURLms0nPY2cwr3Kcmp4gIuk+G4x87arP0mZBXJwQDs6jJwCSLpbd5NNPIw/CG+lNWt0E2nAOxUksadK+MB7TUrintFUnRLagG7W/VzOJumyTYGHUOl6bHNtYkkTxJtt8xzDWbIxqYevSOBzpKPsWilCaaaNRbGuTLRD9/bETDTcDdLUrwMZZ9ylpYnSwHxI7uk8RXhm4HOTElcTB9xc8075lMGCLB0t9oR+LPrErp6OJiJLLXMmr4tHhwZNjf9A2vhhGazNwAgSz6Em4yx8oH/lHyVdDMdG4Ex9T+nOU3Q=='

// A TRADE_SUCCESS notification as Alipay posts it (form-encoded, sign_type RSA2), signed here with
// K1 over the documented string: sign and sign_type removed, names sorted, values URL-decoded.
const NOTIFY_PARAMS: Record<string, string> = {
  gmt_create: '2014-07-24 03:07:50',
  charset: 'utf-8',
  seller_email: 'shop@example.com',
  subject: '盐水鸭 Nanjing duck',
  buyer_id: '2088102122524333',
  notify_id: '2014072400109154331b0e5e3b9f2a1b',
  total_amount: '88.88',
  trade_no: '2014072422001004330000121536',
  notify_time: '2014-07-24 03:08:10',
  trade_status: 'TRADE_SUCCESS',
  gmt_payment: '2014-07-24 03:08:09',
  seller_id: '2088101106499364',
  notify_type: 'trade_status_sync',
  out_trade_no: '20150320010101001',
  app_id: '2014072300007148',
  version: '1.0',
  auth_app_id: '2014072300007148',
}
const NOTIFY_CONTENT =
  'app_id=2014072300007148&auth_app_id=2014072300007148&buyer_id=2088102122524333&charset=utf-8&gmt_create=2014-07-24 03:07:50&gmt_payment=2014-07-24 03:08:09&notify_id=2014072400109154331b0e5e3b9f2a1b&notify_time=2014-07-24 03:08:10&notify_type=trade_status_sync&out_trade_no=20150320010101001&seller_email=shop@example.com&seller_id=2088101106499364&subject=盐水鸭 Nanjing duck&total_amount=88.88&trade_no=2014072422001004330000121536&trade_status=TRADE_SUCCESS&version=1.0'

function formBody(params: Record<string, string>): Uint8Array {
  return new TextEncoder().encode(new URLSearchParams(params).toString())
}
const FORM = 'application/x-www-form-urlencoded; charset=utf-8'

describe('V-A3: RSA2 request signing', () => {
  it('builds the string-to-sign byte for byte (sorted, raw values, sign_type included)', () => {
    expect(requestSignContent(V_A3_PARAMS)).toBe(V_A3_CONTENT)
  })
  it('signs it with K1 byte for byte', () => {
    expect(signRequestParams({ params: V_A3_PARAMS, privateKey }).sign).toBe(V_A3_SIGN)
  })
  it('leaves out empty values and an existing sign', () => {
    expect(requestSignContent({ ...V_A3_PARAMS, return_url: '', sign: 'x' })).toBe(
      V_A3_CONTENT.replace('&return_url=https://example.com/return', ''),
    )
  })
})

describe('notification verification vector (K1)', () => {
  const signature = sign('sha256', Buffer.from(NOTIFY_CONTENT, 'utf8'), privateKey).toString('base64')
  const genuine = { ...NOTIFY_PARAMS, sign_type: 'RSA2', sign: signature }

  it('the string Alipay signs drops sign and sign_type and URL-decodes values', () => {
    const raw = new Map(Object.entries(genuine).map(([k, v]) => [k, new TextEncoder().encode(v)]))
    expect(new TextDecoder().decode(notifySignContent(raw))).toBe(NOTIFY_CONTENT)
  })

  it('verifies the form body and decodes it', () => {
    const params = verifyAlipayNotification({ body: formBody(genuine), contentType: FORM, publicKey })
    expect(params).toMatchObject({
      subject: '盐水鸭 Nanjing duck',
      total_amount: '88.88',
      notify_id: NOTIFY_PARAMS.notify_id,
    })
  })

  it('verifies a gbk notification without re-encoding (charset honoured)', () => {
    const gbk = { ...NOTIFY_PARAMS, charset: 'gbk' }
    const content = NOTIFY_CONTENT.replace('charset=utf-8', 'charset=gbk')
    // 盐水鸭 in GBK: D1CE CBAE D1BC.
    const gbkSubject = '%D1%CE%CB%AE%D1%BC+Nanjing+duck'
    const signedBytes = Buffer.from(content.replace('盐水鸭', '\u0000'), 'utf8')
    const at = signedBytes.indexOf(0)
    const message = Buffer.concat([
      signedBytes.subarray(0, at),
      Buffer.from([0xd1, 0xce, 0xcb, 0xae, 0xd1, 0xbc]),
      signedBytes.subarray(at + 1),
    ])
    const sig = sign('sha256', message, privateKey).toString('base64')
    const body = new URLSearchParams({ ...gbk, subject: 'PLACEHOLDER', sign_type: 'RSA2', sign: sig })
      .toString()
      .replace('PLACEHOLDER', gbkSubject)
    const params = verifyAlipayNotification({
      body: new TextEncoder().encode(body),
      contentType: FORM,
      publicKey,
    })
    expect(params.subject).toBe('盐水鸭 Nanjing duck')
  })

  it.each([
    ['a changed amount', { ...genuine, total_amount: '88.89' }],
    ['sign_type RSA (SHA1)', { ...genuine, sign_type: 'RSA' }],
    ['no sign', { ...genuine, sign: '' }],
    ['an unknown charset', { ...genuine, charset: 'utf-7' }],
  ])('refuses %s as signature_invalid', (_, params) => {
    let error: unknown = null
    try {
      verifyAlipayNotification({ body: formBody(params), contentType: FORM, publicKey })
    } catch (e) {
      error = e
    }
    expect(isLoopError(error) && error.code).toBe('signature_invalid')
  })

  it('refuses a JSON body even when its content is a genuine notification', () => {
    expect(() =>
      verifyAlipayNotification({ body: formBody(genuine), contentType: 'application/json', publicKey }),
    ).toThrow(/x-www-form-urlencoded/)
  })
})

describe('synchronous answers', () => {
  const payload =
    '{"code":"10000","msg":"Success","trade_no":"2014","out_trade_no":"2015","total_amount":"88.88"}'
  const sig = sign('sha256', Buffer.from(payload), privateKey).toString('base64')

  it('verifies the raw <method>_response substring against sign', () => {
    const text = `{"alipay_trade_query_response":${payload},"sign":"${sig}"}`
    expect(verifyAlipayResponse({ text, method: 'alipay.trade.query', publicKey })).toMatchObject({
      signed: true,
      payload: { code: '10000', total_amount: '88.88' },
    })
  })

  it('refuses a re-serialized answer (whitespace changed) and an unsigned success', () => {
    const spaced = `{"alipay_trade_query_response":${payload.replace(',', ', ')},"sign":"${sig}"}`
    expect(() => verifyAlipayResponse({ text: spaced, method: 'alipay.trade.query', publicKey })).toThrow(
      /forged/,
    )
    const unsigned = `{"alipay_trade_query_response":${payload}}`
    expect(() => verifyAlipayResponse({ text: unsigned, method: 'alipay.trade.query', publicKey })).toThrow(
      /unsigned/,
    )
  })
})

describe('synchronous answers: the verified bytes are the ones used', () => {
  it('refuses a body whose top-level payload differs from the signed copy found first', () => {
    const signed = '{"code":"10000","msg":"Success","trade_status":"WAIT_BUYER_PAY","total_amount":"88.88"}'
    const sig = sign('sha256', Buffer.from(signed), privateKey).toString('base64')
    const forged = '{"code":"10000","msg":"Success","trade_status":"TRADE_SUCCESS","total_amount":"88.88"}'
    const text = `{"nested":{"alipay_trade_query_response":${signed}},"alipay_trade_query_response":${forged},"sign":"${sig}"}`
    expect(() => verifyAlipayResponse({ text, method: 'alipay.trade.query', publicKey })).toThrow(/single/)
  })
})
