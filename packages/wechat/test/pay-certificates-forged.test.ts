// Forged or broken `/v3/certificates` answers are refused and leave the cache as it was; the
// certificate entry format itself (V6 and the A.3 certificate); the modes' configuration.
import { memoryStorage } from '@loopkit/core/dev'
import { type WechatSimulator, wechatSimulator } from '@loopkit/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encryptResource, wechatPayments } from '../src/index.js'
import { openCertificateEntry } from '../src/pay/certificate-download.js'
import { apiV3SecretKey } from '../src/pay/decrypt-resource.js'
import {
  certificateAdapter,
  createOrder,
  customer,
  downloads,
  order,
  startReceiver,
} from './pay-certificates-harness.js'
import { A3_CERTIFICATE, A3_SERIAL } from './pay-keys.js'

let sim: WechatSimulator
let receiver: Awaited<ReturnType<typeof startReceiver>>

beforeAll(async () => {
  sim = await wechatSimulator({
    timeScale: 0,
    pay: { allowInsecureNotifyUrl: true, signWith: 'certificate' },
  })
  receiver = await startReceiver(() => {
    throw new Error('no callback expected')
  })
})
afterAll(async () => {
  await receiver?.close()
  await sim?.close()
})

const forgeries = [
  ['a bad signature', () => sim.pay.forgeNextResponse(), 'signature does not verify'],
  ['a tampered ciphertext', () => sim.pay.forgeNextCertificates('ciphertext'), 'does not decrypt'],
  [
    'a serial_no that is not the certificate’s',
    () => sim.pay.forgeNextCertificates('serial'),
    'is not the serial of the certificate',
  ],
  ['an expired certificate signing the answer', () => sim.pay.forgeNextCertificates('expired'), 'expired at'],
] as const

describe('forged /v3/certificates answers', () => {
  it.each(forgeries)('at first start, %s is refused and nothing is cached', async (_, forge, reason) => {
    const storage = memoryStorage()
    const adapter = certificateAdapter(sim, storage)
    const before = downloads(sim)
    forge()
    await expect(adapter.platformCertificates!.refresh()).rejects.toMatchObject({
      code: 'signature_invalid',
      message: expect.stringContaining(reason),
    })
    expect(downloads(sim)).toBe(before + 1)
    expect(await adapter.platformCertificates!.list()).toEqual([])
    // Within the interval nobody downloads again, and a message waiting for the first certificates
    // fails at once (WeChat retries callbacks) instead of being held until the deadline.
    const other = certificateAdapter(sim, storage)
    await expect(createOrder(sim, other, receiver.url)).rejects.toMatchObject({
      code: 'provider_unavailable',
    })
    expect(downloads(sim)).toBe(before + 1)
  })

  it.each(
    forgeries,
  )('with certificates cached, %s is refused and the cache is unchanged', async (_, forge, reason) => {
    const storage = memoryStorage()
    const adapter = certificateAdapter(sim, storage)
    await createOrder(sim, adapter, receiver.url)
    const cached = await adapter.platformCertificates!.list()
    expect(cached.map((c) => c.serial)).toEqual([sim.pay.platformCertificate.serial])
    await sim.advance(61_000)
    forge()
    await expect(adapter.platformCertificates!.refresh()).rejects.toMatchObject({
      code: 'signature_invalid',
      message: expect.stringContaining(reason),
    })
    expect(await adapter.platformCertificates!.list()).toEqual(cached)
    // The genuine certificates still verify, and the refused answer did not lift the interval.
    const before = downloads(sim)
    await createOrder(sim, adapter, receiver.url)
    await adapter.platformCertificates!.refresh()
    expect(downloads(sim)).toBe(before)
  })
})

describe('certificate entries', () => {
  // protocols.md §1.5 and §8 name a vector V6 for `/v3/certificates` decryption, but §1.13 gives
  // no values for it; until it does, this pins the format with the published A.3 certificate.
  it.skip('V6: protocols.md §1.13 has no V6 values to reproduce byte for byte', () => {})

  const apiV3Key = apiV3SecretKey('0123456789abcdefghijklmnopqrstuv')
  const sealed = (pem: string, serial = A3_SERIAL) => ({
    serial_no: serial,
    effective_time: '2021-04-27T16:55:23+08:00',
    expire_time: '2031-04-25T16:55:23+08:00',
    encrypt_certificate: encryptResource({
      apiV3Key,
      plaintext: pem,
      associatedData: 'certificate',
      nonce: '61f9c719728a',
    }),
  })

  it('opens the A.3 test platform certificate (serial D7CE59D1F522D701) from an AEAD_AES_256_GCM entry', () => {
    const cert = openCertificateEntry({ apiV3Key, entry: sealed(A3_CERTIFICATE), now: Date.UTC(2026, 0, 1) })
    expect(cert).toMatchObject({
      serial: 'D7CE59D1F522D701',
      effectiveAt: Date.UTC(2021, 3, 27, 8, 55, 23),
      expireAt: Date.UTC(2031, 3, 25, 8, 55, 23),
    })
    expect(cert.pem.replace(/\s/g, '')).toBe(A3_CERTIFICATE.replace(/\s/g, ''))
  })

  it('refuses a wrong serial, a wrong associated_data, another APIv3 key and an expired certificate', () => {
    const now = Date.UTC(2026, 0, 1)
    const open =
      (entry: object, at = now, key = apiV3Key) =>
      () =>
        openCertificateEntry({ apiV3Key: key, entry, now: at })
    expect(open(sealed(A3_CERTIFICATE, '5157F09EFDC096DE15EBE81A47057A7232F1B8E1'))).toThrow(/not the serial/)
    const entry = sealed(A3_CERTIFICATE)
    expect(
      open({
        ...entry,
        encrypt_certificate: { ...entry.encrypt_certificate, associated_data: 'transaction' },
      }),
    ).toThrow(/does not decrypt/)
    expect(open(entry, now, apiV3SecretKey('vutsrqponmlkjihgfedcba9876543210'))).toThrow(/does not decrypt/)
    expect(open(entry, Date.UTC(2031, 3, 26))).toThrow(/expired/)
  })
})

describe('deadlines', () => {
  it('a /v3/certificates call that never answers ends at `deadlineMs` as provider_unavailable, retries included', async () => {
    const { verifiers: _none, ...options } = sim.pay.adapterOptions()
    // WeChat accepts the connection and never answers; only the abort signal ends the wait.
    const hanging: typeof fetch = async (input) => {
      const signal = (input as Request).signal
      return new Promise<Response>((_, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true })
      })
    }
    const adapter = wechatPayments({
      ...options,
      fetch: hanging,
      timeout: 60_000,
      retry: 2,
      platformCertificates: { storage: memoryStorage(), deadlineMs: 300 },
    })
    // Without the deadline this waits for three 60 s attempts, far past the test's timeout.
    await expect(adapter.platformCertificates!.refresh()).rejects.toMatchObject({
      code: 'provider_unavailable',
    })
  })
})

describe('modes', () => {
  it('a merchant without platform certificates (public-key mode simulator) gets a configuration error naming the fix', async () => {
    const pkSim = await wechatSimulator({ timeScale: 0, pay: { signWith: 'publicKey' } })
    try {
      const adapter = certificateAdapter(pkSim, memoryStorage())
      await expect(adapter.platformCertificates!.refresh()).rejects.toMatchObject({
        code: 'configuration',
        message: expect.stringContaining('RESOURCE_NOT_EXISTS'),
      })
      expect(pkSim.pay.requests.at(-1)).toMatchObject({
        url: '/v3/certificates',
        status: 404,
        code: 'RESOURCE_NOT_EXISTS',
      })
    } finally {
      await pkSim.close()
    }
  })

  it('needs `verifiers` or `platformCertificates`, and `platformCertificates.storage`', () => {
    const { verifiers: _v, ...rest } = sim.pay.adapterOptions()
    expect(() => wechatPayments(rest)).toThrow(expect.objectContaining({ code: 'configuration' }))
    expect(() => wechatPayments({ ...rest, platformCertificates: 'auto' as never })).toThrow(
      /platformCertificates\.storage/,
    )
    expect(() =>
      wechatPayments({ ...rest, platformCertificates: { storage: memoryStorage(), minIntervalMs: -1 } }),
    ).toThrow(/minIntervalMs/)
    expect(wechatPayments(sim.pay.adapterOptions()).platformCertificates).toBeNull()
  })

  it('simulated openids have the 28-character shape of real ones', async () => {
    const adapter = wechatPayments(sim.pay.adapterOptions())
    const o = order(sim)
    // Native (QR) carries no payer: the simulator invents the openid of whoever scans and pays.
    await adapter.createPayment({
      order: o,
      customer,
      method: 'native',
      notifyUrl: receiver.url,
      description: '盐水鸭',
    })
    await sim.pay.payOrder({ outTradeNo: o.number, notify: false })
    expect(sim.pay.order(o.number)).toMatchObject({
      payer: { openid: expect.stringMatching(/^o[A-Za-z0-9_-]{27}$/) },
    })
  })
})
