import { generateKeyPairSync } from 'node:crypto'
import { isLoopError } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { alipayPayments, fenToYuan, yuanToFen } from '../src/index.js'
import { K1_PRIVATE_KEY, K1_PUBLIC_KEY } from './keys.js'

function code(fn: () => unknown): string | null {
  try {
    fn()
    return null
  } catch (e) {
    return isLoopError(e) ? e.code : String(e)
  }
}

describe('yuan ⇄ fen, exactly', () => {
  it.each([
    ['0.01', 1],
    ['1.10', 110],
    ['1.1', 110],
    ['88.88', 8888],
    ['99999999.99', 9_999_999_999],
    ['100000000.00', 10_000_000_000],
  ])('%s yuan is %i fen', (yuan, fen) => {
    expect(yuanToFen(yuan)).toBe(fen)
  })

  it.each([
    ['1.1.1'],
    ['-1'],
    ['1e3'],
    ['0.001'],
    [''],
    [' 1.00'],
    ['1,00'],
    ['01.00'],
    ['.5'],
    ['100000000.01'],
    ['Infinity'],
  ])('refuses %j', (bad) => {
    expect(code(() => yuanToFen(bad))).toBe('invalid_input')
  })

  it('formats fen with two decimals and refuses non-integers', () => {
    expect([1, 110, 8888, 9_999_999_999].map(fenToYuan)).toEqual(['0.01', '1.10', '88.88', '99999999.99'])
    for (const bad of [1.5, -1, Number.NaN, 10_000_000_001])
      expect(code(() => fenToYuan(bad))).toBe('invalid_input')
  })
})

describe('alipayPayments options', () => {
  const base = { appId: '2021000000000001', privateKey: K1_PRIVATE_KEY, alipayPublicKey: K1_PUBLIC_KEY }

  it('accepts PEM, escaped-newline and bare Base64 keys', () => {
    const bare = K1_PUBLIC_KEY.replace(/-----[^-]+-----|\s/g, '')
    expect(alipayPayments({ ...base, alipayPublicKey: bare }).id).toBe('alipay')
    expect(alipayPayments({ ...base, privateKey: K1_PRIVATE_KEY.replace(/\n/g, '\\n') }).methods).toEqual([
      'wap',
      'page',
      'app',
      'qr',
    ])
  })

  it.each([
    ['no appId', { ...base, appId: '' }],
    ['a short appId', { ...base, appId: '2021' }],
    ['both key modes', { ...base, certs: { appCert: 'x', alipayCert: 'y', alipayRootCert: 'z' } }],
    ['no Alipay key', { appId: base.appId, privateKey: base.privateKey }],
    ['a public key as private key', { ...base, privateKey: K1_PUBLIC_KEY }],
    ['a private key as Alipay key', { ...base, alipayPublicKey: K1_PRIVATE_KEY }],
    [
      'an EC key',
      {
        ...base,
        privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
          type: 'pkcs8',
          format: 'pem',
        }),
      },
    ],
    ['a bad sellerId', { ...base, sellerId: '123' }],
    ['a bad gateway', { ...base, gateway: 'not a url' }],
    ['a notifyPath with a query', { ...base, notifyPath: '/alipay?x=1' }],
  ])('refuses %s at boot with configuration', (_, options) => {
    expect(code(() => alipayPayments(options as never))).toBe('configuration')
  })

  it('never echoes the private key in the error', () => {
    try {
      alipayPayments({ ...base, privateKey: K1_PRIVATE_KEY.slice(0, 400) })
    } catch (e) {
      expect(String((e as Error).message)).not.toContain(K1_PRIVATE_KEY.slice(40, 80))
    }
  })
})
