// WeChat Pay callbacks handled per second — verify the RSA signature on the raw body, check the
// 300 s window, decrypt the AES-256-GCM resource, parse it — by @loopkit/wechat's adapter, by the
// same work written directly against node:crypto, and by the `wechatpay-node-v3` npm package,
// measured in the same run on the same callback. Run:
//   node --conditions=@loopkit/source --import tsx bench/run.ts wechat-callback
import {
  createCipheriv,
  createDecipheriv,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto'
import { createRequire } from 'node:module'
import { wechatPayments } from '../packages/wechat/src/index.js'

const require = createRequire(new URL('../packages/wechat/package.json', import.meta.url))
const WechatPay = require('wechatpay-node-v3') as new (
  options: Record<string, unknown>,
) => {
  verifySign(input: {
    timestamp: string
    nonce: string
    body: string
    serial: string
    signature: string
  }): Promise<boolean>
  decipher_gcm(ciphertext: string, aad: string, nonce: string, key: string): unknown
}
;(WechatPay as unknown as { certificates: Record<string, string> }).certificates ??= {}

const NOW_S = 1_735_000_000
const API_V3_KEY = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6'
const MCHID = '1900007291'
const APPID = 'wxd678efh567hg6787'
const SERIAL = 'PUB_KEY_ID_0114232134912410000000000000'

function makeCallback(platformKey: KeyObject) {
  const transaction = {
    appid: APPID,
    mchid: MCHID,
    out_trade_no: '20250101120000AbCdEfGhIj',
    transaction_id: '4200002345202501011234567890',
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    bank_type: 'OTHERS',
    attach: '',
    success_time: '2025-01-01T12:00:05+08:00',
    payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    amount: { total: 8800, payer_total: 8800, currency: 'CNY', payer_currency: 'CNY' },
  }
  const nonce = randomBytes(6).toString('hex')
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(API_V3_KEY), Buffer.from(nonce))
  cipher.setAAD(Buffer.from('transaction'))
  const ciphertext = Buffer.concat([
    cipher.update(JSON.stringify(transaction)),
    cipher.final(),
    cipher.getAuthTag(),
  ]).toString('base64')
  const body = Buffer.from(
    JSON.stringify({
      id: 'EV-2018022511223320873',
      create_time: '2025-01-01T12:00:06+08:00',
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: {
        original_type: 'transaction',
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext,
        associated_data: 'transaction',
        nonce,
      },
    }),
  )
  const ts = String(NOW_S)
  const headerNonce = randomBytes(16).toString('hex')
  const signature = sign(
    'sha256',
    Buffer.concat([Buffer.from(`${ts}\n${headerNonce}\n`), body, Buffer.from('\n')]),
    platformKey,
  ).toString('base64')
  const headers = new Headers({
    'Wechatpay-Timestamp': ts,
    'Wechatpay-Nonce': headerNonce,
    'Wechatpay-Serial': SERIAL,
    'Wechatpay-Signature': signature,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    'Content-Type': 'application/json',
  })
  return { body: new Uint8Array(body), headers }
}

type Handler = () => Promise<unknown>

async function opsPerSecond(fn: Handler, ms: number): Promise<number> {
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
  const { privateKey: platformKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString()
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  const { body, headers } = makeCallback(platformKey)

  const adapter = wechatPayments({
    mchid: MCHID,
    appid: APPID,
    privateKey: merchant,
    serialNo: '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB',
    apiV3Key: API_V3_KEY,
    verifiers: { [SERIAL]: publicPem },
    now: () => NOW_S * 1000,
  })
  const ours: Handler = () =>
    adapter.parseWebhook({ body, headers, url: 'https://shop.example/loop/webhooks/wechat' })

  // The same checks by hand: headers, window, serial lookup, RSA verify, AES-GCM with tag, JSON,
  // merchant/app check — the floor any implementation pays.
  const keys = new Map([[SERIAL, publicKey]])
  const aesKey = Buffer.from(API_V3_KEY)
  const raw: Handler = async () => {
    const ts = headers.get('Wechatpay-Timestamp')!
    const nonce = headers.get('Wechatpay-Nonce')!
    const key = keys.get(headers.get('Wechatpay-Serial')!)
    const signature = headers.get('Wechatpay-Signature')!
    if (!key || Math.abs(NOW_S - Number(ts)) > 300) throw new Error('invalid')
    const message = Buffer.concat([Buffer.from(`${ts}\n${nonce}\n`), body, Buffer.from('\n')])
    if (!verify('sha256', message, key, Buffer.from(signature, 'base64'))) throw new Error('invalid')
    const n = JSON.parse(Buffer.from(body).toString('utf8'))
    const data = Buffer.from(n.resource.ciphertext, 'base64')
    const d = createDecipheriv('aes-256-gcm', aesKey, Buffer.from(n.resource.nonce))
    d.setAuthTag(data.subarray(data.length - 16))
    d.setAAD(Buffer.from(n.resource.associated_data))
    const tx = JSON.parse(
      Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]).toString('utf8'),
    )
    if (tx.mchid !== MCHID || tx.appid !== APPID) throw new Error('invalid')
    return tx
  }

  // wechatpay-node-v3 2.2.1: verifySign (certificate map pre-filled, so no network) + decipher_gcm.
  // It checks no timestamp window and its decipher never calls final(), so it skips the GCM tag check.
  const pay = new WechatPay({
    appid: APPID,
    mchid: MCHID,
    publicKey: Buffer.from('unused'),
    privateKey: Buffer.from(merchant),
    serial_no: 'X',
    key: API_V3_KEY,
  })
  ;(WechatPay as unknown as { certificates: Record<string, string> }).certificates[SERIAL] = publicPem
  const peer: Handler = async () => {
    const text = Buffer.from(body).toString('utf8')
    const ok = await pay.verifySign({
      timestamp: headers.get('Wechatpay-Timestamp')!,
      nonce: headers.get('Wechatpay-Nonce')!,
      body: text,
      serial: headers.get('Wechatpay-Serial')!,
      signature: headers.get('Wechatpay-Signature')!,
    })
    if (!ok) throw new Error('invalid')
    const n = JSON.parse(text)
    return pay.decipher_gcm(n.resource.ciphertext, n.resource.associated_data, n.resource.nonce, API_V3_KEY)
  }

  // Same answer from all three before timing anything.
  const event = (await ours()) as { kind: string; amount: number }
  const tx = (await raw()) as { amount: { total: number } }
  const peerTx = (await peer()) as { amount: { total: number } }
  if (
    event.kind !== 'payment.succeeded' ||
    event.amount !== tx.amount.total ||
    peerTx.amount.total !== tx.amount.total
  ) {
    throw new Error('bench implementations disagree')
  }

  const impls = [
    ['ours', ours],
    ['raw', raw],
    ['peer', peer],
  ] as const
  for (const [, fn] of impls) await opsPerSecond(fn, 300) // warm-up
  // Short interleaved bursts: load from other processes on a shared 2-core machine hits the three
  // alike, and each round's ratio compares neighbours in time. Medians over the rounds.
  const results: Record<'ours' | 'raw' | 'peer', number[]> = { ours: [], raw: [], peer: [] }
  const vsRaw: number[] = []
  const vsPeer: number[] = []
  const ROUNDS = 21
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? impls : ([...impls].reverse() as unknown as typeof impls)
    for (const [name, fn] of order) results[name].push(await opsPerSecond(fn, 150))
    vsRaw.push(results.ours.at(-1)! / results.raw.at(-1)!)
    vsPeer.push(results.ours.at(-1)! / results.peer.at(-1)!)
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const o = median(results.ours)
  const r = median(results.raw)
  const p = median(results.peer)
  console.log(
    `callbacks/s (medians of ${ROUNDS} interleaved rounds, RSA-2048, Node ${process.versions.node})`,
  )
  console.log(`  @loopkit/wechat parseWebhook : ${o.toFixed(0)}`)
  console.log(`  raw node:crypto              : ${r.toFixed(0)}`)
  console.log(`  wechatpay-node-v3 2.2.1      : ${p.toFixed(0)}  (no timestamp check, no GCM tag check)`)
  console.log(`  ours / raw  = ${median(vsRaw).toFixed(3)}  (median of per-round ratios; target ≥ 0.8)`)
  console.log(`  ours / peer = ${median(vsPeer).toFixed(3)}  (median of per-round ratios; target > 1)`)
}
