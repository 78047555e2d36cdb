// Core signs with node:crypto where the runtime has it and with @noble/hashes elsewhere (issue #14):
// these pin that both give the same bytes, so every token a loop already issued still verifies.
import { createHmac, randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromBase64Url, fromUtf8, toBase64Url, toHex, utf8 } from '../src/_internal/bytes.js'
import { hmacSha256, portableHmacSha256 } from '../src/_internal/hmac.js'
import { newId, newOrderNumber, randomBase62 } from '../src/_internal/ids.js'
import { deriveKey, mac, macHex, safeEqual } from '../src/_internal/sign.js'

describe('portable crypto (no node:crypto in core)', () => {
  it('HMAC-SHA256 matches node:crypto for any key and message (RFC 4231 case 2 included)', () => {
    const rfc = macHex('Jefe', 'what do ya want for nothing?')
    expect(rfc).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843')
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), fc.uint8Array(), (key, text, bytes) => {
        const node = createHmac('sha256', key).update(text).update(bytes).digest()
        expect(macHex(key, text, bytes)).toBe(node.toString('hex'))
        expect(mac(key, text, 32)).toBe(
          createHmac('sha256', key).update(text).digest('base64url').slice(0, 32),
        )
      }),
    )
  })

  it('the pure-JS HMAC (runtimes without node:crypto) gives the native bytes', () => {
    expect(toHex(portableHmacSha256('Jefe', 'what do ya want for nothing?'))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    )
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), fc.uint8Array(), (key, text, bytes) => {
        const node = createHmac('sha256', key).update(text).update(bytes).digest('hex')
        expect(toHex(portableHmacSha256(key, text, bytes))).toBe(node)
        expect(toHex(hmacSha256(key, text, bytes))).toBe(node)
      }),
    )
  })

  it('a key used many times (the cached keyed state) gives the same MAC as a fresh one', () => {
    const first = mac('k', 'session:a.1', 32)
    for (let i = 0; i < 100; i++) mac('k', `other ${i}`, 32)
    for (let i = 0; i < 100; i++) mac(`key ${i}`, 'x', 8) // overflows the per-key cache
    expect(mac('k', 'session:a.1', 32)).toBe(first)
    const portable = toHex(portableHmacSha256('k', 'session:a.1'))
    for (let i = 0; i < 100; i++) portableHmacSha256(`key ${i}`, 'x')
    expect(toHex(portableHmacSha256('k', 'session:a.1'))).toBe(portable)
    expect(deriveKey('s', 'session')).toBe(
      createHmac('sha256', 's').update('loopkit:session').digest('base64url'),
    )
  })

  it('base64url and hex round-trip like Buffer does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), fc.string(), (bytes, text) => {
        const b = Buffer.from(bytes)
        expect(toBase64Url(bytes)).toBe(b.toString('base64url'))
        expect(toHex(bytes)).toBe(b.toString('hex'))
        expect([...fromBase64Url(toBase64Url(bytes))]).toEqual([...bytes])
        expect(fromUtf8(utf8(text))).toBe(Buffer.from(Buffer.from(text).toString()).toString())
      }),
    )
  })

  it('safeEqual is true only for identical strings', () => {
    const a = randomBytes(16).toString('base64url')
    expect(safeEqual(a, a.slice())).toBe(true)
    expect(safeEqual(a, `${a.slice(0, -1)}${a.endsWith('A') ? 'B' : 'A'}`)).toBe(false)
    expect(safeEqual(a, a.slice(0, -1))).toBe(false)
    expect(safeEqual('', '')).toBe(true)
  })

  it('random ids stay uniform base62 from getRandomValues', () => {
    const counts = new Map<string, number>()
    for (const c of randomBase62(62_000)) counts.set(c, (counts.get(c) ?? 0) + 1)
    expect(counts.size).toBe(62)
    for (const n of counts.values()) expect(n).toBeGreaterThan(700) // ~1000 each; a stuck pool gives 0s
    expect(newId('ord')).toMatch(/^ord_[0-9A-Za-z]{20}$/)
  })

  it('order numbers carry the UTC second they were made in, each with its own random tail', () => {
    const at = Date.parse('2026-11-25T08:05:01.250Z')
    const a = newOrderNumber(at)
    const b = newOrderNumber(at + 700) // same second
    const c = newOrderNumber(at + 750) // the next second
    const d = newOrderNumber(Date.parse('2031-01-02T23:59:59.999Z'))
    expect(a).toMatch(/^20261125080501[0-9A-Za-z]{10}$/)
    expect(b).toMatch(/^20261125080501[0-9A-Za-z]{10}$/)
    expect(c).toMatch(/^20261125080502[0-9A-Za-z]{10}$/)
    expect(d).toMatch(/^20310102235959[0-9A-Za-z]{10}$/)
    expect(new Set([a, b]).size).toBe(2)
    expect(newOrderNumber(at)).toMatch(/^20261125080501/) // back to an earlier second
  })
})
