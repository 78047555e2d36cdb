import { createPrivateKey, createPublicKey, verify } from 'node:crypto'
import { isLoopError } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import {
  mapWechatPayError,
  type WechatPaymentsOptions,
  wechatPayments,
  wechatWebhookResponse,
} from '../src/index.js'
import {
  A3_CERTIFICATE,
  A3_SERIAL,
  K1_PRIVATE_KEY,
  K1_PUBLIC_KEY,
  K1_SERIAL,
  K2_PRIVATE_KEY,
} from './pay-keys.js'

const APIV3 = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6'
const base: WechatPaymentsOptions = {
  mchid: '1900007291',
  appid: 'wxd678efh567hg6787',
  privateKey: K1_PRIVATE_KEY,
  serialNo: K1_SERIAL,
  apiV3Key: APIV3,
  verifiers: { [A3_SERIAL]: A3_CERTIFICATE },
}

function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    fn()
  } catch (e) {
    expect(isLoopError(e)).toBe(true)
    return e as { code: string; message: string }
  }
  throw new Error('expected a throw')
}

describe('wechatPayments options are validated at construction', () => {
  it('names a missing option', () => {
    expect(thrown(() => wechatPayments({ ...base, mchid: '' })).message).toBe(
      '[loopkit] [wechat] Missing required option `mchid`.',
    )
  })

  it('requires a 32-byte APIv3 key and never echoes it', () => {
    for (const key of ['testMchAPIv3Key0', `${APIV3}x`, 'é'.repeat(32)]) {
      const e = thrown(() => wechatPayments({ ...base, apiV3Key: key }))
      expect(e.code).toBe('configuration')
      expect(e.message).toContain('exactly 32 bytes')
      expect(e.message).not.toContain(key)
    }
    expect(() => wechatPayments({ ...base, apiV3Key: 'é'.repeat(16) })).not.toThrow()
  })

  it('reads PKCS#8, PKCS#1, escaped-newline and armor-less keys; refuses garbage without echoing it', () => {
    const pkcs1 = createPrivateKey(K1_PRIVATE_KEY).export({ type: 'pkcs1', format: 'pem' }).toString()
    expect(() => wechatPayments({ ...base, privateKey: pkcs1 })).not.toThrow()
    expect(() => wechatPayments({ ...base, privateKey: K1_PRIVATE_KEY.replace(/\n/g, '\\n') })).not.toThrow()
    const bare = K1_PRIVATE_KEY.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')
    expect(() => wechatPayments({ ...base, privateKey: bare })).not.toThrow()
    const garbage = `-----BEGIN PRIVATE KEY-----\n${bare.slice(0, 200)}\n-----END PRIVATE KEY-----`
    const e = thrown(() => wechatPayments({ ...base, privateKey: garbage }))
    expect(e.message).toMatch(/PKCS#8.*PKCS#1/)
    expect(e.message).not.toContain(bare.slice(0, 40))
    expect(thrown(() => wechatPayments({ ...base, privateKey: A3_CERTIFICATE })).message).toContain(
      'not a private key',
    )
  })

  it('normalizes the merchant serial to uppercase hex and refuses non-hex', () => {
    expect(thrown(() => wechatPayments({ ...base, serialNo: 'not-a-serial' })).message).toContain('hex')
    expect(() => wechatPayments({ ...base, serialNo: K1_SERIAL.toLowerCase() })).not.toThrow()
  })

  it('checks verifiers: certificate under its own serial, public keys by PUB_KEY_ID_, no private keys, not empty', () => {
    expect(
      thrown(() => wechatPayments({ ...base, verifiers: { ABCDEF: A3_CERTIFICATE } })).message,
    ).toContain('D7CE59D1F522D701')
    expect(
      thrown(() => wechatPayments({ ...base, verifiers: { PUB_KEY_ID_01: K2_PRIVATE_KEY } })).message,
    ).toContain('private key')
    expect(thrown(() => wechatPayments({ ...base, verifiers: {} })).code).toBe('configuration')
    expect(thrown(() => wechatPayments({ ...base, verifiers: { 'what?': K1_PUBLIC_KEY } })).code).toBe(
      'configuration',
    )
    expect(() =>
      wechatPayments({
        ...base,
        verifiers: {
          [A3_SERIAL.toLowerCase()]: A3_CERTIFICATE,
          PUB_KEY_ID_0114232134912410000000000000: K1_PUBLIC_KEY,
        },
      }),
    ).not.toThrow()
  })
})

describe('outgoing requests are signed on the exact bytes sent', () => {
  it('signs method, path + query and the body as sent, with uppercase serial and a User-Agent', async () => {
    const seen: { req: Request; body: string }[] = []
    const adapter = wechatPayments({
      ...base,
      serialNo: `0x${K1_SERIAL.toLowerCase()}`,
      retry: 0,
      fetch: async (input) => {
        const req = input as Request
        seen.push({ req, body: await req.clone().text() })
        return Response.json({ code: 'ORDER_NOT_EXIST', message: '订单不存在' }, { status: 404 })
      },
    })
    expect(await adapter.queryPayment({ orderNumber: 'A|B*C-d_123' })).toBeNull()
    await expect(adapter.closePayment!({ orderNumber: 'A|B*C-d_123' })).rejects.toMatchObject({
      code: 'not_found',
      providerCode: 'ORDER_NOT_EXIST',
    })
    expect(seen).toHaveLength(2)
    for (const { req, body } of seen) {
      const auth = req.headers.get('authorization')!
      const items = Object.fromEntries([...auth.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]))
      expect(auth.startsWith('WECHATPAY2-SHA256-RSA2048 ')).toBe(true)
      expect(items.serial_no).toBe(K1_SERIAL)
      expect(items.mchid).toBe('1900007291')
      expect(items.nonce_str).toMatch(/^[0-9A-Za-z]{32}$/)
      expect(req.headers.get('user-agent')).toMatch(/loopkit/)
      const url = new URL(req.url)
      const message = `${req.method}\n${url.pathname}${url.search}\n${items.timestamp}\n${items.nonce_str}\n${body}\n`
      expect(
        verify(
          'sha256',
          Buffer.from(message),
          createPublicKey(K1_PUBLIC_KEY),
          Buffer.from(items.signature!, 'base64'),
        ),
      ).toBe(true)
    }
    expect(new URL(seen[0]!.req.url).pathname).toBe('/v3/pay/transactions/out-trade-no/A%7CB*C-d_123')
    expect(new URL(seen[0]!.req.url).search).toBe('?mchid=1900007291')
    expect(seen[1]!.body).toBe('{"mchid":"1900007291"}')
  })

  it('retries a GET on 5xx up to `retry` times, then reports a retryable error', async () => {
    let calls = 0
    const adapter = wechatPayments({
      ...base,
      retry: 2,
      fetch: async () => {
        calls++
        return Response.json({ code: 'SYSTEMERROR', message: '系统错误' }, { status: 500 })
      },
    })
    await expect(adapter.queryPayment({ orderNumber: 'ORDER123' })).rejects.toMatchObject({
      code: 'provider_unavailable',
      retryable: true,
    })
    expect(calls).toBe(3)
  })

  it('a network failure is provider_unavailable and retryable', async () => {
    const adapter = wechatPayments({
      ...base,
      retry: 0,
      fetch: async () => Promise.reject(new TypeError('connect ECONNREFUSED')),
    })
    await expect(adapter.queryPayment({ orderNumber: 'ORDER123' })).rejects.toMatchObject({
      code: 'provider_unavailable',
      retryable: true,
    })
  })
})

describe('vendor errors map in one place, both spellings', () => {
  it.each([
    [401, 'SIGN_ERROR', 'configuration', false],
    [400, 'PARAM_ERROR', 'invalid_input', false],
    [400, 'ORDERPAID', 'invalid_transition', false],
    [400, 'ORDER_CLOSED', 'invalid_transition', false],
    [404, 'ORDER_NOT_EXIST', 'not_found', false],
    [404, 'ORDERNOTEXIST', 'not_found', false],
    [500, 'SYSTEM_ERROR', 'provider_unavailable', true],
    [500, 'SYSTEMERROR', 'provider_unavailable', true],
    [429, 'FREQUENCY_LIMITED', 'rate_limited', true],
    [403, 'NOT_ENOUGH', 'provider_error', true],
    [403, 'RULELIMIT', 'forbidden', false],
    [403, 'OUT_TRADE_NO_USED', 'conflict', false],
    [418, 'SOMETHING_NEW', 'provider_error', false],
    [503, null, 'provider_unavailable', true],
  ] as const)('%i %s → %s', (status, code, expected, retryable) => {
    const e = mapWechatPayError({ status, code, message: '说明' })
    expect(e).toMatchObject({ code: expected, retryable, providerCode: code ?? undefined })
    expect(e.message).toMatch(/^\[loopkit\] \[wechat\] WeChat Pay answered/)
  })
})

describe('webhookResponse', () => {
  it('acknowledges with 204 and refuses with 4xx/5xx {"code":"FAIL"}', async () => {
    expect(wechatWebhookResponse({ ok: true }).status).toBe(204)
    const bad = wechatWebhookResponse({
      ok: false,
      error: { code: 'signature_invalid', message: 'bad signature' },
    })
    expect(bad.status).toBe(401)
    expect(await bad.json()).toEqual({ code: 'FAIL', message: 'bad signature' })
    expect(
      wechatWebhookResponse({ ok: false, error: { code: 'storage_error', message: 'down' } }).status,
    ).toBe(500)
  })
})
