import {
  aesKeyOf,
  decryptMessage,
  encryptMessage,
  messageSignature,
  verifyMessageSignature,
} from '@loopkit/wechat'
import { describe, expect, it } from 'vitest'
import { VECTORS, type Vector } from './oa-vectors.js'

const byName = (name: string): Vector => {
  const v = VECTORS.find((x) => x.vector === name)
  if (!v) throw new Error(`no vector ${name}`)
  return v
}

describe('official-account signature and safe-mode vectors (reference §11), byte for byte', () => {
  it('covers all 19 published and derived blocks', () => {
    expect(VECTORS.map((v) => v.vector)).toHaveLength(19)
  })

  for (const v of VECTORS.filter((x) => x['expect.signature'])) {
    it(`${v.vector}: signature over token, timestamp, nonce`, () => {
      const values = [v.token as string, v.timestamp as string, v.nonce as string]
      expect(messageSignature({ values })).toBe(v['expect.signature'])
      expect(verifyMessageSignature({ values, signature: v['expect.signature'] })).toBe(true)
      if (v['sorted.concat']) expect([...values].sort().join('')).toBe(v['sorted.concat'])
    })
  }

  for (const v of VECTORS.filter((x) => x['expect.msg_signature'])) {
    it(`${v.vector}: msg_signature over token, timestamp, nonce, Encrypt`, () => {
      const values = [v.token as string, v.timestamp as string, v.nonce as string, v.encrypt as string]
      expect(messageSignature({ values })).toBe(v['expect.msg_signature'])
    })
  }

  for (const v of VECTORS.filter((x) => x.encrypt && x['expect.plain'] !== undefined)) {
    it(`${v.vector}: decrypts to the published message, random, length and appid`, () => {
      const key = aesKeyOf(v.aeskey as string)
      expect(key).not.toBeNull()
      const result = decryptMessage({
        key: key as Buffer,
        appid: v.appid as string,
        encrypt: v.encrypt as string,
      })
      expect(result.ok).toBe(true)
      if (!result.ok) return
      expect(result.message).toBe(v['expect.plain'])
      expect(result.random.toString('latin1')).toBe(v['expect.random'])
      expect(Buffer.byteLength(result.message, 'utf8')).toBe(Number(v['expect.msg_len']))
      // The same ciphertext under another appid is refused (official -40005).
      expect(
        decryptMessage({ key: key as Buffer, appid: 'wx0000000000000000', encrypt: v.encrypt as string }),
      ).toEqual({
        ok: false,
        reason: 'appid_mismatch',
      })
    })
  }

  for (const v of VECTORS.filter((x) => x['expect.reply.encrypt'])) {
    it(`${v.vector}: encrypts the reply with the fixed random to the published Encrypt`, () => {
      const key = aesKeyOf(v.aeskey as string) as Buffer
      const encrypt = encryptMessage({
        key,
        appid: v.appid as string,
        message: v['reply.msg'] as string,
        random: Buffer.from(v['reply.random'] as string, 'latin1'),
      })
      expect(encrypt).toBe(v['expect.reply.encrypt'])
      if (v['expect.reply.msg_signature']) {
        const values = [
          v.token as string,
          v['reply.timestamp'] as string,
          v['reply.nonce'] as string,
          encrypt,
        ]
        expect(messageSignature({ values })).toBe(v['expect.reply.msg_signature'])
      }
      if (v['expect.ciphertext_len'])
        expect(Buffer.from(encrypt, 'base64')).toHaveLength(Number(v['expect.ciphertext_len']))
    })
  }

  it('SIG-5 and the SDK extras: 4-value msg_signature, SHA-1("abc")', () => {
    const v = byName('SIG-5')
    expect(messageSignature({ values: [v.token as string, 'timestamp', 'nonce', 'encrypt'] })).toBe(
      v['expect.msg_signature'],
    )
    expect(messageSignature({ values: ['a', 'b', 'c'] })).toBe('a9993e364706816aba3e25717850c26c9cd0d89d')
    expect(messageSignature({ values: ['123', '345'] })).toBe('9f537aeb751ec72605f57f94a2f6dc3e3958e1dd')
  })

  it('keys: "A"×43 is 32 zero bytes; the non-canonical last character is decoded leniently; bad keys are refused', () => {
    expect(aesKeyOf('A'.repeat(43))?.equals(Buffer.alloc(32))).toBe(true)
    expect(aesKeyOf('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG')?.toString('hex')).toBe(
      '69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051',
    )
    expect(aesKeyOf('A'.repeat(42))).toBeNull()
    expect(aesKeyOf(`${'A'.repeat(42)}!`)).toBeNull()
  })

  it('a flipped signature character, a wrong length or a missing signature is not valid', () => {
    const v = byName('SIG-1')
    const values = [v.token as string, v.timestamp as string, v.nonce as string]
    const good = v['expect.signature'] as string
    expect(
      verifyMessageSignature({ values, signature: `${good.slice(0, -1)}${good.endsWith('6') ? '7' : '6'}` }),
    ).toBe(false)
    expect(verifyMessageSignature({ values, signature: good.toUpperCase() })).toBe(false)
    expect(verifyMessageSignature({ values, signature: good.slice(1) })).toBe(false)
    expect(verifyMessageSignature({ values, signature: null })).toBe(false)
  })

  it('strict unpadding refuses a tampered last block and a ciphertext that is not whole blocks', () => {
    const v = byName('SAFE-2')
    const key = aesKeyOf(v.aeskey as string) as Buffer
    const raw = Buffer.from(v.encrypt as string, 'base64')
    const tampered = Buffer.from(raw)
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0x55
    expect(decryptMessage({ key, appid: v.appid as string, encrypt: tampered.toString('base64') }).ok).toBe(
      false,
    )
    expect(
      decryptMessage({ key, appid: v.appid as string, encrypt: raw.subarray(0, 40).toString('base64') }),
    ).toEqual({
      ok: false,
      reason: 'illegal_buffer',
    })
    expect(decryptMessage({ key, appid: v.appid as string, encrypt: 'not base64!' }).ok).toBe(false)
  })
})
