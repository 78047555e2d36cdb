// WeChat Pay callbacks handled per second in platform-certificate mode (keys read from the loop's
// storage cache on every callback) against the same adapter with the same certificate configured
// by hand in `verifiers`, on the same genuine callback from the simulator, in the same run. Run:
//   node --conditions=@loopkit/source --import tsx bench/run.ts wechat-certificates
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { memoryStorage } from '../packages/core/src/dev/index.js'
import { wechatSimulator } from '../packages/testing/src/index.js'
import { wechatPayments } from '../packages/wechat/src/index.js'

async function opsPerSecond(fn: () => Promise<unknown>, ms: number): Promise<number> {
  let n = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < ms) {
    for (let i = 0; i < 50; i++) await fn()
    n += 50
    elapsed = performance.now() - start
  }
  return (n * 1000) / elapsed
}

export default async function run(): Promise<void> {
  // Frozen time, so one captured callback stays inside the 300 s window for the whole run.
  const sim = await wechatSimulator({
    timeScale: 0,
    pay: { allowInsecureNotifyUrl: true, signWith: 'certificate' },
  })
  let captured: { body: Uint8Array; headers: Headers } | null = null
  const receiver = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const headers = new Headers(Object.entries(req.headers).map(([k, v]): [string, string] => [k, String(v)]))
    captured = { body: new Uint8Array(Buffer.concat(chunks)), headers }
    res.writeHead(204).end()
  })
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  try {
    const options = sim.pay.adapterOptions()
    const configured = wechatPayments(options)
    const { verifiers: _none, ...rest } = options
    const certificates = wechatPayments({ ...rest, platformCertificates: { storage: memoryStorage() } })
    const number = `B${Date.now()}`
    await certificates.createPayment({
      order: {
        id: `ord_${number}`,
        number,
        customerId: 'cus_1',
        lines: [{ skuId: 'duck', title: '盐水鸭', quantity: 1, unitPrice: 8800 }],
        total: 8800,
        currency: 'CNY',
        status: 'pending',
        provider: 'wechat',
        idempotencyKey: null,
        attribution: null,
        refunded: 0,
        providerRef: null,
        createdAt: sim.now(),
        expiresAt: sim.now() + 1_800_000,
        paidAt: null,
        updatedAt: sim.now(),
      },
      customer: {
        id: 'cus_1',
        identities: [{ provider: 'wechat', subject: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' }],
        displayName: null,
        avatarUrl: null,
        tags: [],
        consents: [],
        referredBy: null,
        followedAt: null,
        unfollowedAt: null,
        lastInteractionAt: null,
        timeZone: null,
        createdAt: 0,
        updatedAt: 0,
      },
      method: 'jsapi',
      notifyUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify`,
      description: '盐水鸭',
    })
    await sim.pay.payOrder({ outTradeNo: number })
    const callback = captured as { body: Uint8Array; headers: Headers } | null
    if (!callback) throw new Error('no callback captured')
    const input = { ...callback, url: '/loop/webhooks/wechat' }
    const impls = [
      ['certificates', () => certificates.parseWebhook(input)],
      ['configured', () => configured.parseWebhook(input)],
    ] as const
    for (const [, fn] of impls) {
      if ((await fn()).kind !== 'payment.succeeded') throw new Error('bench callback did not verify')
      await opsPerSecond(fn, 300) // warm-up
    }
    const results: Record<'certificates' | 'configured', number[]> = { certificates: [], configured: [] }
    const ratios: number[] = []
    const ROUNDS = 21
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? impls : ([...impls].reverse() as unknown as typeof impls)
      for (const [name, fn] of order) results[name].push(await opsPerSecond(fn, 150))
      ratios.push(results.certificates.at(-1)! / results.configured.at(-1)!)
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    const downloads = sim.pay.requests.filter((r) => r.url.startsWith('/v3/certificates')).length
    console.log(
      `callbacks/s (medians of ${ROUNDS} interleaved rounds, RSA-2048, Node ${process.versions.node})`,
    )
    console.log(`  platformCertificates (memory storage) : ${median(results.certificates).toFixed(0)}`)
    console.log(`  same certificate in verifiers         : ${median(results.configured).toFixed(0)}`)
    console.log(`  certificates / configured = ${median(ratios).toFixed(3)}  (median of per-round ratios)`)
    console.log(`  /v3/certificates downloads during the run: ${downloads}`)
  } finally {
    await new Promise<void>((r) => receiver.close(() => r()))
    await sim.close()
  }
}
