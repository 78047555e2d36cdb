// Alipay notifications handled per second — parse the raw form, verify RSA2 over the sorted
// parameters, decode in the notification's charset, check app and seller, convert the amount — by
// @loopkit/alipay's adapter and by the same work written directly against node:crypto, measured in
// the same run on the same notification. Run:
//   node --conditions=@loopkit/source --import tsx bench/run.ts alipay-notify
import { generateKeyPairSync, sign, verify } from 'node:crypto'
import { alipayPayments } from '../packages/alipay/src/index.js'

const APP_ID = '2021000000000001'
const SELLER_ID = '2088101106499364'

function makeNotification(key: Parameters<typeof sign>[2]) {
  const params: Record<string, string> = {
    gmt_create: '2025-01-01 12:00:00',
    charset: 'utf-8',
    subject: '盐水鸭 Nanjing salted duck',
    buyer_id: '2088102122524333',
    invoice_amount: '88.00',
    notify_id: '2025010100222120005000000001',
    fund_bill_list: '[{"amount":"88.00","fundChannel":"ALIPAYACCOUNT"}]',
    notify_type: 'trade_status_sync',
    trade_status: 'TRADE_SUCCESS',
    receipt_amount: '88.00',
    app_id: APP_ID,
    buyer_pay_amount: '88.00',
    seller_id: SELLER_ID,
    gmt_payment: '2025-01-01 12:00:05',
    notify_time: '2025-01-01 12:00:06',
    version: '1.0',
    out_trade_no: '20250101120000AbCdEfGhIj',
    total_amount: '88.00',
    trade_no: '2025010122001004330000121536',
    auth_app_id: APP_ID,
    point_amount: '0.00',
  }
  const content = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&')
  const signature = sign('sha256', Buffer.from(content), key).toString('base64')
  const body = new TextEncoder().encode(
    new URLSearchParams({ ...params, sign_type: 'RSA2', sign: signature }).toString(),
  )
  return {
    body,
    headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }),
  }
}

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
  const alipay = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const app = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  })
  const { body, headers } = makeNotification(alipay.privateKey)
  const adapter = alipayPayments({
    appId: APP_ID,
    privateKey: app.toString(),
    alipayPublicKey: alipay.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sellerId: SELLER_ID,
  })
  const ours = () => adapter.parseWebhook({ body, headers, url: 'https://shop.example/loop/webhooks/alipay' })

  // The floor: URLSearchParams, sort, RSA verify, app/seller check, amount by string split.
  const raw = async () => {
    const params = Object.fromEntries(new URLSearchParams(Buffer.from(body).toString('utf8')))
    const { sign: signature, sign_type: _, ...rest } = params
    const content = Object.keys(rest)
      .sort()
      .map((k) => `${k}=${rest[k]}`)
      .join('&')
    if (!verify('sha256', Buffer.from(content), alipay.publicKey, Buffer.from(signature!, 'base64')))
      throw new Error('invalid')
    if (rest.app_id !== APP_ID || rest.seller_id !== SELLER_ID) throw new Error('invalid')
    const [yuan, fen = ''] = rest.total_amount!.split('.')
    return Number(yuan) * 100 + Number(fen.padEnd(2, '0'))
  }

  const event = (await ours()) as { kind: string; amount: number }
  if (event.kind !== 'payment.succeeded' || event.amount !== (await raw()))
    throw new Error('bench implementations disagree')

  for (const fn of [ours, raw]) await opsPerSecond(fn, 300) // warm-up
  // Short interleaved bursts, as in wechat-callback: load on the shared machine hits both alike.
  const o: number[] = []
  const r: number[] = []
  const ratio: number[] = []
  const ROUNDS = 21
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      o.push(await opsPerSecond(ours, 150))
      r.push(await opsPerSecond(raw, 150))
    } else {
      r.push(await opsPerSecond(raw, 150))
      o.push(await opsPerSecond(ours, 150))
    }
    ratio.push(o.at(-1)! / r.at(-1)!)
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  console.log(
    `notifications/s (medians of ${ROUNDS} interleaved rounds, RSA-2048, Node ${process.versions.node})`,
  )
  console.log(`  @loopkit/alipay parseWebhook : ${median(o).toFixed(0)}`)
  console.log(`  raw node:crypto              : ${median(r).toFixed(0)}`)
  console.log(`  ours / raw = ${median(ratio).toFixed(3)}  (median of per-round ratios; target ≥ 0.8)`)
}
