import { createLoop, describeOptionValue, isLoopError } from '@loopkit/core'
import { memoryStorage } from '@loopkit/core/dev'
import { describe, expect, it } from 'vitest'
import { createVerifiers, wechatJsSdk, wechatLogin, wechatPayments } from '../src/index.js'
import { A3_CERTIFICATE, A3_SERIAL, K1_PRIVATE_KEY, K1_PUBLIC_KEY, K1_SERIAL } from './pay-keys.js'

// What a merchant really has in their .env: a 32-byte APIv3 key and a 32-hex-digit AppSecret.
const APIV3_KEY = 'Zq8rT2vW9xY4bN6mK1pL3sD5fG7hJ0aQ'
const APP_SECRET = '3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e'

/** The message of the configuration error `fn` throws. */
function configurationError(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    expect(isLoopError(e)).toBe(true)
    expect((e as { code: string }).code).toBe('configuration')
    return (e as Error).message
  }
  throw new Error('expected a configuration error')
}

/** The secret, in any case, and any 5 characters of it never appear; the length may. */
function expectNoSecret(message: string, secret: string): void {
  const lower = message.toLowerCase()
  for (let i = 0; i + 5 <= secret.length; i++) {
    expect(lower, `message leaks ${secret.slice(i, i + 5)}…: ${message}`).not.toContain(
      secret.slice(i, i + 5).toLowerCase(),
    )
  }
}

describe('#9.14 configuration errors never echo a secret pasted into the wrong option', () => {
  it('#9.14 createVerifiers({ [apiV3Key]: pem }) reports the mistake without the key', () => {
    for (const pem of [A3_CERTIFICATE, K1_PUBLIC_KEY, K1_PRIVATE_KEY]) {
      const message = configurationError(() => createVerifiers({ [APIV3_KEY]: pem }))
      expectNoSecret(message, APIV3_KEY)
      expect(message).toContain('(32 characters)')
    }
  })

  it('#9.14 createVerifiers({ [appSecret]: pem }) reports the mistake without the AppSecret', () => {
    // An AppSecret is hex, so it passes for a serial: the error comes from the PEM check instead.
    for (const pem of [A3_CERTIFICATE, K1_PRIVATE_KEY, 'not a pem at all']) {
      const message = configurationError(() => createVerifiers({ [APP_SECRET]: pem }))
      expectNoSecret(message, APP_SECRET)
    }
  })

  it('#9.14 wechatPayments with the secret as a verifiers key says which option, not the value', () => {
    const message = configurationError(() =>
      wechatPayments({
        mchid: '1900007291',
        appid: 'wxd678efh567hg6787',
        privateKey: K1_PRIVATE_KEY,
        serialNo: K1_SERIAL,
        apiV3Key: APIV3_KEY,
        verifiers: { [APP_SECRET]: A3_CERTIFICATE, [A3_SERIAL]: A3_CERTIFICATE },
      }),
    )
    expectNoSecret(message, APP_SECRET)
    expect(message).toContain('verifiers')
    for (const baseUrl of [APIV3_KEY, APP_SECRET]) {
      const bad = configurationError(() =>
        wechatPayments({
          mchid: '1900007291',
          appid: 'wxd678efh567hg6787',
          privateKey: K1_PRIVATE_KEY,
          serialNo: K1_SERIAL,
          apiV3Key: APIV3_KEY,
          verifiers: { [A3_SERIAL]: A3_CERTIFICATE },
          baseUrl,
        }),
      )
      expectNoSecret(bad, baseUrl)
    }
  })

  it('#9.14 the OAuth and JS-SDK options do not echo a pasted AppSecret either', () => {
    const scope = APP_SECRET as 'snsapi_base'
    expectNoSecret(
      configurationError(() => wechatLogin({ appid: 'wx1', secret: 's', scope })),
      APP_SECRET,
    )
    const js = configurationError(() =>
      wechatJsSdk({
        appid: 'wx1',
        tokens: { getToken: async () => 't', getTicket: async () => 't' } as never,
        allowedOrigins: [APP_SECRET],
      }),
    )
    expectNoSecret(js, APP_SECRET)
  })

  it("#9.14 core's baseUrl check uses the same rule", () => {
    const message = configurationError(() =>
      createLoop({ secret: 'x'.repeat(32), baseUrl: APIV3_KEY, storage: memoryStorage() }),
    )
    expectNoSecret(message, APIV3_KEY)
    expect(message).toContain(describeOptionValue(APIV3_KEY))
  })

  it('#9.14 describeOptionValue shows at most 4 characters and the length', () => {
    expect(describeOptionValue(APIV3_KEY)).toBe('`Zq8r…` (32 characters)')
    expect(describeOptionValue('short')).toBe('`short`')
    expect(describeOptionValue('line\nbreak')).toBe('`line…` (10 characters)')
    expect(describeOptionValue('a\u0000b')).toBe('`a?b`')
    expect(describeOptionValue(undefined)).toBe('a undefined')
  })
})
