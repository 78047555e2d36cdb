// Stripe webhook signatures (reference §6.2): v1 = hex(HMAC-SHA256(key = whole `whsec_…` secret,
// msg = "<t>.<raw body>")); all v1s kept; 300 s tolerance on old timestamps only; 0 disables it.
// Expected values are computed here from that definition and cross-checked with stripe-node.
import { createHmac } from 'node:crypto'
import { isLoopError } from '@loopkit/core'
import Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { computeStripeSignature, parseStripeSignatureHeader, verifyStripeSignature } from '../src/index.js'

const SECRET = 'whsec_loopkit_vector_secret_0123456789'
const T = 1_700_000_000
const BODY =
  '{\n  "id": "evt_1LoopkitVector0000000000",\n  "object": "event",\n  "type": "payment_intent.succeeded"\n}'
// Computed once with `createHmac('sha256', SECRET).update('1700000000.' + BODY).digest('hex')`.
const V1 = '8f479e023b5d6c52d352d7828c1fe472165fbb7cf2b18351604edd9b25dc9588'
const UTF8_BODY = '{"id":"evt_1","object":"event","data":{"object":{"description":"盐水鸭 ✓"}}}'
const UTF8_V1 = 'd870a34cfa43b94809824521c86bc253057ade0c3b8e02b1897e5bd3e2938b8d'

const stripe = new Stripe('sk_test_vectors', { httpClient: Stripe.createFetchHttpClient() })
const bytes = (s: string) => new TextEncoder().encode(s)
const independent = (secret: string, t: number, body: string) =>
  createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex')

function codeOf(run: () => unknown): string | null {
  try {
    run()
    return null
  } catch (e) {
    expect(isLoopError(e)).toBe(true)
    return (e as { code: string }).code
  }
}

describe('Stripe-Signature v1 vectors', () => {
  it('reproduces the vector byte for byte, as the definition and stripe-node compute it', () => {
    expect(independent(SECRET, T, BODY)).toBe(V1)
    expect(computeStripeSignature({ secret: SECRET, timestamp: T, body: bytes(BODY) })).toBe(V1)
    expect(computeStripeSignature({ secret: SECRET, timestamp: T, body: BODY })).toBe(V1)
    expect(stripe.webhooks.generateTestHeaderString({ payload: BODY, secret: SECRET, timestamp: T })).toBe(
      `t=${T},v1=${V1}`,
    )
    expect(computeStripeSignature({ secret: SECRET, timestamp: T + 300, body: bytes(UTF8_BODY) })).toBe(
      UTF8_V1,
    )
    expect(independent(SECRET, T + 300, UTF8_BODY)).toBe(UTF8_V1)
  })

  it('accepts what stripe-node accepts and names the same event', () => {
    const header = `t=${T},v1=${V1}`
    expect(verifyStripeSignature({ body: bytes(BODY), header, secrets: [SECRET], now: T * 1000 })).toEqual({
      timestamp: T,
    })
    expect(stripe.webhooks.constructEvent(BODY, header, SECRET, 300, undefined, T * 1000).id).toBe(
      'evt_1LoopkitVector0000000000',
    )
  })

  it('refuses a body changed by one byte, a re-serialized body, and another secret', () => {
    const header = `t=${T},v1=${V1}`
    const now = T * 1000
    expect(
      codeOf(() =>
        verifyStripeSignature({
          body: bytes(BODY.replace('succeeded', 'succeedex')),
          header,
          secrets: [SECRET],
          now,
        }),
      ),
    ).toBe('signature_invalid')
    // A framework that parsed and re-stringified the JSON changes the bytes (spacing) → not Stripe's.
    const reserialized = JSON.stringify(JSON.parse(BODY))
    expect(
      codeOf(() => verifyStripeSignature({ body: bytes(reserialized), header, secrets: [SECRET], now })),
    ).toBe('signature_invalid')
    expect(
      codeOf(() => verifyStripeSignature({ body: bytes(BODY), header, secrets: [`${SECRET}x`], now })),
    ).toBe('signature_invalid')
  })
})

describe('several v1 signatures and secret rotation', () => {
  const now = T * 1000
  const other = independent('whsec_some_other_secret', T, BODY)

  it('accepts when any v1 matches, in any position, with v0 and unknown schemes ignored', () => {
    for (const header of [
      `t=${T},v1=${other},v1=${V1}`,
      `t=${T},v1=${V1},v1=${other}`,
      `v0=${other},t=${T},v1=${V1},v9=zz`,
      `t=${T},v1=not-hex,v1=${V1}`,
    ]) {
      expect(verifyStripeSignature({ body: bytes(BODY), header, secrets: [SECRET], now }).timestamp).toBe(T)
      expect(() => stripe.webhooks.constructEvent(BODY, header, SECRET, 300, undefined, now)).not.toThrow()
    }
  })

  it('refuses when only v0 or only foreign v1s match', () => {
    for (const header of [`t=${T},v0=${V1}`, `t=${T},v1=${other}`, `t=${T},v1=${other},v1=${other}`]) {
      expect(codeOf(() => verifyStripeSignature({ body: bytes(BODY), header, secrets: [SECRET], now }))).toBe(
        'signature_invalid',
      )
      expect(() => stripe.webhooks.constructEvent(BODY, header, SECRET, 300, undefined, now)).toThrow()
    }
  })

  it('accepts a delivery signed with the old or the new secret while both are configured', () => {
    const rolled = 'whsec_rolled_new_secret_abcdef'
    const byNew = `t=${T},v1=${independent(rolled, T, BODY)}`
    const byOld = `t=${T},v1=${V1}`
    const both = `t=${T},v1=${independent(rolled, T, BODY)},v1=${V1}`
    for (const header of [byNew, byOld, both])
      expect(
        verifyStripeSignature({ body: bytes(BODY), header, secrets: [rolled, SECRET], now }).timestamp,
      ).toBe(T)
    // Once the old secret is removed from the options, what only it signed is refused.
    expect(
      codeOf(() => verifyStripeSignature({ body: bytes(BODY), header: byOld, secrets: [rolled], now })),
    ).toBe('signature_invalid')
  })

  it('refuses malformed headers', () => {
    for (const header of [
      '',
      `v1=${V1}`,
      `t=${T}`,
      `t=${T}x,v1=${V1}`,
      `t=1e9,v1=${V1}`,
      `t=-${T},v1=${V1}`,
      `t=${T},t=${T},v1=${V1}`,
      `t=${T};v1=${V1}`,
      `t=${T},v1=${V1.toUpperCase()}`,
    ]) {
      expect(
        codeOf(() => verifyStripeSignature({ body: bytes(BODY), header, secrets: [SECRET], now })),
        header,
      ).toBe('signature_invalid')
    }
    expect(parseStripeSignatureHeader(`t=${T},v1=a,v1=b,v0=c`)).toEqual({
      timestamp: T,
      signatures: ['a', 'b'],
    })
  })
})

describe('tolerance', () => {
  const header = `t=${T},v1=${V1}`
  const verify = (ageSeconds: number, tolerance?: number) =>
    codeOf(() =>
      verifyStripeSignature({
        body: bytes(BODY),
        header,
        secrets: [SECRET],
        now: (T + ageSeconds) * 1000 + 999,
        ...(tolerance === undefined ? {} : { tolerance }),
      }),
    )
  const stripeNode = (ageSeconds: number, tolerance = 300) => {
    try {
      stripe.webhooks.constructEvent(
        BODY,
        header,
        SECRET,
        tolerance,
        undefined,
        (T + ageSeconds) * 1000 + 999,
      )
      return null
    } catch {
      return 'refused'
    }
  }

  it('accepts up to 300 s old and refuses 301 s (default), like stripe-node', () => {
    expect(verify(300)).toBeNull()
    expect(verify(301)).toBe('timestamp_out_of_window')
    expect(verify(86_400)).toBe('timestamp_out_of_window')
    expect(stripeNode(300)).toBeNull()
    expect(stripeNode(301)).toBe('refused')
  })

  it('accepts future timestamps (stripe-node only rejects old ones)', () => {
    expect(verify(-10_000)).toBeNull()
    expect(stripeNode(-10_000)).toBeNull()
  })

  it('honours a configured tolerance, and 0 turns the age check off', () => {
    expect(verify(60, 60)).toBeNull()
    expect(verify(61, 60)).toBe('timestamp_out_of_window')
    expect(verify(10_000_000, 0)).toBeNull()
    for (const age of [-5, 0, 59, 60, 61, 299, 300, 301, 5000]) {
      for (const tolerance of [0, 60, 300]) {
        expect(verify(age, tolerance) === null, `age ${age} tolerance ${tolerance}`).toBe(
          stripeNode(age, tolerance) === null,
        )
      }
    }
  })

  it('checks the signature before the age: a stale forgery is signature_invalid', () => {
    const forged = `t=${T},v1=${'0'.repeat(64)}`
    expect(
      codeOf(() =>
        verifyStripeSignature({
          body: bytes(BODY),
          header: forged,
          secrets: [SECRET],
          now: (T + 9999) * 1000,
        }),
      ),
    ).toBe('signature_invalid')
  })
})
