// The report: an independent client (the `wechatpay-node-v3` npm package) could not set
// itself up against the simulator in certificate mode. It now downloads, decrypts and parses the
// simulator's platform certificates with its own code (@fidm/x509) and verifies a callback with them.
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { wechatSimulator } from '@loopkit/testing'
import { expect, it } from 'vitest'
import { wechatPayments } from '../src/index.js'
import { customer, order } from './pay-certificates-harness.js'

const require = createRequire(import.meta.url)
interface IndependentClient {
  createHttp(service: unknown): void
  fetchCertificates(apiSecret: string): Promise<void>
  verifySign(input: {
    timestamp: string
    nonce: string
    body: string
    serial: string
    signature: string
  }): Promise<boolean>
}
const WxPay = require('wechatpay-node-v3') as (new (
  options: Record<string, unknown>,
) => IndependentClient) & {
  certificates: Record<string, string>
}
const WECHAT = 'https://api.mch.weixin.qq.com'

it('wechatpay-node-v3 sets itself up from the simulator’s /v3/certificates and verifies a callback', async () => {
  // Real time: the independent client signs with `Date.now()`.
  const sim = await wechatSimulator({ pay: { allowInsecureNotifyUrl: true, signWith: 'certificate' } })
  const callbacks: { headers: Record<string, string>; body: string }[] = []
  const receiver = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    callbacks.push({
      headers: req.headers as Record<string, string>,
      body: Buffer.concat(chunks).toString('utf8'),
    })
    res.writeHead(204).end()
  })
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  try {
    const options = sim.pay.adapterOptions()
    const client = new WxPay({
      appid: options.appid,
      mchid: options.mchid,
      serial_no: options.serialNo,
      publicKey: Buffer.from('unused: serial_no is given'),
      privateKey: Buffer.from(options.privateKey),
      key: options.apiV3Key,
    })
    // Its HTTP layer, pointed at the simulator (the package hard-codes WeChat's host).
    const send = async (method: string, url: string, headers: Record<string, string>) => {
      const res = await fetch(url.replace(WECHAT, sim.url), { method, headers })
      return { status: res.status, data: await res.json() }
    }
    client.createHttp({ get: (url: string, headers: Record<string, string>) => send('GET', url, headers) })
    WxPay.certificates = {}
    await client.fetchCertificates(options.apiV3Key)
    expect(Object.keys(WxPay.certificates)).toEqual([sim.pay.platformCertificate.serial])

    const adapter = wechatPayments(options)
    const o = order(sim)
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify`
    await adapter.createPayment({
      order: o,
      customer,
      method: 'jsapi',
      notifyUrl: url,
      description: '盐水鸭',
    })
    await sim.pay.payOrder({ outTradeNo: o.number })
    const [callback] = callbacks
    const verified = await client.verifySign({
      timestamp: callback!.headers['wechatpay-timestamp']!,
      nonce: callback!.headers['wechatpay-nonce']!,
      body: callback!.body,
      serial: callback!.headers['wechatpay-serial']!,
      signature: callback!.headers['wechatpay-signature']!,
    })
    expect(verified).toBe(true)
  } finally {
    await new Promise<void>((r) => receiver.close(() => r()))
    await sim.close()
  }
})
