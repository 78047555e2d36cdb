// Platform-certificate mode against the simulator: bootstrap, sharing through storage, rotation,
// expiry, and serial floods. Forged /v3/certificates answers are in pay-certificates-forged.test.ts.
import { randomBytes } from 'node:crypto'
import { memoryStorage } from '@loopkit/core/dev'
import { type WechatSimulator, wechatSimulator } from '@loopkit/testing'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { WechatPaymentAdapter } from '../src/index.js'
import {
  certificateAdapter,
  createOrder,
  downloads,
  payThrough,
  startReceiver,
} from './pay-certificates-harness.js'

const DAY = 86_400_000
let sim: WechatSimulator
let receiver: Awaited<ReturnType<typeof startReceiver>>
let current: WechatPaymentAdapter
const storage = memoryStorage()

beforeAll(async () => {
  // 30-day certificates, so a test can live through a whole rotation and the old one's expiry.
  sim = await wechatSimulator({
    timeScale: 0,
    pay: { allowInsecureNotifyUrl: true, signWith: 'certificate', certificateValidityMs: 30 * DAY },
  })
  receiver = await startReceiver(() => current)
})
afterAll(async () => {
  await receiver?.close()
  await sim?.close()
})

const serials = async (adapter: WechatPaymentAdapter) =>
  (await adapter.platformCertificates!.list()).map((c) => c.serial).sort()

/** A well-formed, fresh callback signed by nobody, naming `serial`. */
function strangerCallback(serial: string) {
  return {
    body: new TextEncoder().encode(
      JSON.stringify({ id: randomBytes(8).toString('hex'), event_type: 'X', resource: {} }),
    ),
    headers: new Headers({
      'Wechatpay-Serial': serial,
      'Wechatpay-Timestamp': String(Math.floor(sim.now() / 1000)),
      'Wechatpay-Nonce': randomBytes(16).toString('hex'),
      'Wechatpay-Signature': randomBytes(256).toString('base64'),
    }),
    url: '/loop/webhooks/wechat',
  }
}

describe('WeChat Pay platform certificates', () => {
  // Refresh every 12 hours (the default) until the newest certificate's last day.
  const a = () => certificateAdapter(sim, storage, { refreshBeforeExpiryMs: DAY })
  let first: WechatPaymentAdapter
  let second: WechatPaymentAdapter

  it('bootstraps with nothing trusted: downloads, checks and caches the certificates, then verifies a callback', async () => {
    first = a()
    current = first
    expect(await first.platformCertificates!.list()).toEqual([])
    const paid = await payThrough(sim, first, receiver.url)
    expect(paid.status).toBe(204)
    expect(receiver.accepted.at(-1)).toMatchObject({ kind: 'payment.succeeded', orderNumber: paid.number })
    expect(downloads(sim)).toBe(1)
    const cached = await first.platformCertificates!.list()
    expect(cached).toEqual([
      expect.objectContaining({
        serial: sim.pay.platformCertificate.serial,
        pem: expect.stringContaining('-----BEGIN CERTIFICATE-----'),
      }),
    ])
    expect(cached[0]!.expireAt - cached[0]!.effectiveAt).toBe(30 * DAY)
  })

  it('a second instance on the same storage uses the cached certificates without downloading', async () => {
    second = a()
    current = second
    const paid = await payThrough(sim, second, receiver.url)
    expect(paid.status).toBe(204)
    expect(receiver.accepted.at(-1)).toMatchObject({ orderNumber: paid.number })
    expect(downloads(sim)).toBe(1)
  })

  it('100 callbacks with random serials cost at most one download per interval and change nothing', async () => {
    const before = await serials(first)
    const accepted = receiver.accepted.length
    const start = downloads(sim)
    // Beyond the interval of the bootstrap download, so the flood may cost exactly one.
    await sim.advance(61_000)
    const flood = () =>
      Promise.allSettled(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 ? first : second).parseWebhook(
            strangerCallback(randomBytes(20).toString('hex').toUpperCase()),
          ),
        ),
      )
    const results = await flood()
    expect(results.every((r) => r.status === 'rejected' && r.reason.code === 'signature_invalid')).toBe(true)
    expect(downloads(sim) - start).toBeLessThanOrEqual(1)
    const again = await flood()
    expect(again.every((r) => r.status === 'rejected')).toBe(true)
    expect(downloads(sim) - start).toBeLessThanOrEqual(1)
    expect(await serials(first)).toEqual(before)
    expect(receiver.accepted.length).toBe(accepted)
  })

  it('picks up a rotation before it signs, keeps old and new during the overlap, refuses the old one once expired', async () => {
    current = first
    const old = sim.pay.platformCertificate.serial
    // Day 24 of the old certificate's 30: WeChat hands out the new one, signing with it from tonight.
    await sim.advance(24 * DAY)
    const rotated = await sim.pay.rotateCertificate({ signFrom: sim.now() + 11 * 3_600_000 })
    const start = downloads(sim)

    // Still signed with the old certificate, so it verifies from the cache; the use finds the cache
    // older than the refresh interval and downloads in the background.
    expect((await payThrough(sim, first, receiver.url)).status).toBe(204)
    await vi.waitFor(async () => expect(await serials(first)).toEqual([old, rotated.serial].sort()))
    expect(downloads(sim)).toBe(start + 1)

    // From the switch on, callbacks signed with the new serial verify with no download at all…
    await sim.advance(11 * 3_600_000 + 60_000)
    expect(sim.pay.platformCertificate.serial).toBe(rotated.serial)
    current = second
    expect((await payThrough(sim, second, receiver.url)).status).toBe(204)
    // …and those WeChat still signs with the old one verify too, while it is valid.
    sim.pay.signWithCertificate(old)
    expect((await payThrough(sim, second, receiver.url)).status).toBe(204)
    expect(downloads(sim)).toBe(start + 1)

    // Past the old certificate's expiry a message signed with it is refused, response or callback.
    await sim.advance(6 * DAY)
    await expect(createOrder(sim, second, receiver.url)).rejects.toMatchObject({ code: 'signature_invalid' })
    sim.pay.signWithCertificate(null)
    const number = await createOrder(sim, second, receiver.url)
    sim.pay.signWithCertificate(old)
    const late = await sim.pay.payOrder({ outTradeNo: number })
    expect(late.deliveries[0]).toMatchObject({ status: 401, acked: false })
    expect(receiver.rejected.at(-1)).toBe('signature_invalid')
    sim.pay.signWithCertificate(null)
    expect((await payThrough(sim, second, receiver.url)).status).toBe(204)
    expect(await serials(second)).toEqual([rotated.serial])
  })
})
