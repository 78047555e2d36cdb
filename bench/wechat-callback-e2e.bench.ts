// The WeChat Pay callback end to end: signed, APIv3-encrypted TRANSACTION.SUCCESS notifications
// (signed and encrypted by @loopkit/testing's WeChat Pay simulator helpers) delivered to
// `loop.fetch` with @loopkit/wechat's adapter onto SQLite — verify, decrypt, look the order up,
// mark it paid with its payment, event and `order.paid` outbox row — against the floor a hand-written
// handler pays: node:crypto RSA verify + AES-256-GCM decrypt + JSON + one raw better-sqlite3
// `UPDATE` of the order, committed before the acknowledgement. Same notifications, same machine,
// same SQLite `synchronous`, alternating rounds of the same run. Printed by
//   node --conditions=@loopkit/source --import tsx bench/run.ts wechat-callback
//
// Each round pays a fresh set of orders on a fresh file (one order per notification, so every
// callback is a first delivery). The loop takes 16 callbacks in flight, as a server does when
// WeChat retries and delivers concurrently; the raw handler is synchronous and commits each one.
// LOOPKIT_BENCH_SCALE scales the callbacks per round (1 = 2,000); LOOPKIT_BENCH_SYNC picks
// SQLite's synchronous (default normal, so the disk does not hide the CPU work); BENCH_ROUNDS (5),
// BENCH_WARMUP untimed rounds first (enough for 1,000 callbacks).
// After the ratio it prints where the loop's CPU goes, stage by stage (bench/wechat-callback-stages.ts).
import { createDecipheriv, createPublicKey, verify } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLoop, type Order } from '@loopkit/core'
import { consoleMessaging } from '@loopkit/core/dev'
import { sqliteStorage } from '@loopkit/storage-sqlite'
import { newId } from '../packages/core/src/_internal/ids.js'
import {
  encrypt,
  generateRsaKeyPair,
  randomOpenid,
  randomPublicKeyId,
  wechatpayHeaders,
} from '../packages/testing/src/wechat/pay/crypto.js'
import { rfc3339, type SimOrder, transactionJson } from '../packages/testing/src/wechat/pay/state.js'
import { wechatPayments } from '../packages/wechat/src/index.js'
import { STAGES, type Stage, stageRound } from './wechat-callback-stages.js'

// better-sqlite3 is a dependency of the storage package, not of the workspace root.
const require = createRequire(new URL('../packages/storage-sqlite/package.json', import.meta.url))
interface Db {
  exec(sql: string): void
  pragma(sql: string): unknown
  prepare(sql: string): { run(...p: unknown[]): { changes: number } }
  transaction(fn: () => void): () => void
  close(): void
}
const Database = require('better-sqlite3') as new (file: string) => Db

const scale = Number(process.env.LOOPKIT_BENCH_SCALE ?? 1)
const CALLBACKS = Math.max(50, Math.round(2_000 * scale))
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
// Untimed rounds first: the loop runs far more code than the raw handler, so at a small scale the
// first round measured mostly the JIT compiling it (the per-round rates climbed 1,600 → 4,400/s at 200
// callbacks a round, and still after one untimed round of 200). A server pays that once, not per
// callback: warm each side with at least 1,000 callbacks.
const WARMUP = Number(process.env.BENCH_WARMUP ?? Math.ceil(1_000 / CALLBACKS))
const IN_FLIGHT = 16
const synchronous = (process.env.LOOPKIT_BENCH_SYNC ?? 'normal') as 'normal' | 'full'

const MCHID = '1900007291'
const APPID = 'wxd678efh567hg6787'
const API_V3_KEY = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6'
const TOTAL = 3900
const URL_BASE = 'http://127.0.0.1:3000/loop'

interface Callback {
  orderNumber: string
  body: Uint8Array<ArrayBuffer>
  headers: Record<string, string>
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const orderNumber = (i: number) => `LK${String(i).padStart(20, '0')}`

/** One signed, encrypted TRANSACTION.SUCCESS per order, as the simulator delivers them. */
async function signCallbacks(signedAtMs: number) {
  const platform = await generateRsaKeyPair()
  const serial = randomPublicKeyId()
  const callbacks: Callback[] = []
  for (let i = 0; i < CALLBACKS; i++) {
    const order: SimOrder = {
      appid: APPID,
      mchid: MCHID,
      outTradeNo: orderNumber(i),
      tradeType: 'JSAPI',
      description: 'Nanjing salted duck',
      notifyUrl: `${URL_BASE}/webhooks/wechat`,
      total: TOTAL,
      currency: 'CNY',
      attach: null,
      payerOpenid: randomOpenid(),
      timeExpire: signedAtMs + 1_800_000,
      createdAt: signedAtMs - 60_000,
      params: '',
      prepayId: `wx${i}`,
      codeUrl: null,
      h5Url: null,
      state: 'SUCCESS',
      transactionId: `42000023452025${String(i).padStart(14, '0')}`,
      successTime: signedAtMs - 1_000,
      refunds: [],
    }
    const body = JSON.stringify({
      id: `EV-${newId('evt')}`,
      create_time: rfc3339(signedAtMs),
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: {
        original_type: 'transaction',
        ...encrypt(API_V3_KEY, JSON.stringify(transactionJson(order)), 'transaction'),
      },
    })
    const headers = wechatpayHeaders({
      body,
      key: platform.privateKey,
      serial,
      nowMs: signedAtMs,
      requestId: `req-${i}`,
    })
    callbacks.push({
      orderNumber: order.outTradeNo,
      body: new TextEncoder().encode(body),
      headers: { ...headers, 'Content-Type': 'application/json' },
    })
  }
  return { callbacks, serial, publicKeyPem: platform.publicKeyPem }
}

interface Run {
  perSecond: number
  cpuUsPerCallback: number
}

function measure(n: number, start: number, cpu0: NodeJS.CpuUsage): Run {
  const elapsed = performance.now() - start
  const cpu = process.cpuUsage(cpu0)
  return { perSecond: (n / elapsed) * 1000, cpuUsPerCallback: (cpu.user + cpu.system) / n }
}

/** The loop: orders stored as checkout leaves them, then every callback through `loop.fetch`. */
async function loopRound(
  file: string,
  signed: Awaited<ReturnType<typeof signCallbacks>>,
  signedAtMs: number,
): Promise<Run> {
  const storage = sqliteStorage({ file, synchronous })
  const wechat = wechatPayments({
    mchid: MCHID,
    appid: APPID,
    privateKey: (await generateMerchantKey()).privateKeyPem,
    serialNo: '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB',
    apiV3Key: API_V3_KEY,
    verifiers: { [signed.serial]: signed.publicKeyPem },
    now: () => signedAtMs,
  })
  const loop = createLoop({
    secret: 'wechat-callback-bench-secret-0123456789abcdef',
    baseUrl: URL_BASE,
    storage,
    payments: [wechat],
    messaging: [consoleMessaging({ log: () => {} })],
  })
  for (let i = 0; i < CALLBACKS; i++) {
    const { customer } = await loop.customers.login({
      profile: { provider: 'wechat', subject: `o-buyer-${i}` },
    })
    const now = Date.now()
    const order: Order = {
      id: newId('ord'),
      number: orderNumber(i),
      customerId: customer.id,
      lines: [{ skuId: 'duck', title: 'Nanjing salted duck', quantity: 1, unitPrice: TOTAL }],
      total: TOTAL,
      currency: 'CNY',
      status: 'pending',
      provider: 'wechat',
      idempotencyKey: null,
      attribution: null,
      refunded: 0,
      providerRef: null,
      createdAt: now,
      expiresAt: now + 1_800_000,
      paidAt: null,
      updatedAt: now,
    }
    await storage.createOrder({ order, reserve: [] })
  }

  let next = 0
  const start = performance.now()
  const cpu0 = process.cpuUsage()
  const worker = async () => {
    for (let i = next++; i < CALLBACKS; i = next++) {
      const c = signed.callbacks[i]!
      const res = await loop.fetch(
        new Request(`${URL_BASE}/webhooks/wechat`, { method: 'POST', headers: c.headers, body: c.body }),
      )
      if (res.status !== 204) throw new Error(`callback answered ${res.status}: ${await res.text()}`)
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  const run = measure(CALLBACKS, start, cpu0)
  const paid = await storage.listOrders({ status: 'paid', limit: CALLBACKS + 1 })
  const outbox = await storage.listNotifications({ limit: CALLBACKS + 1 })
  await storage.close?.()
  if (paid.length !== CALLBACKS || outbox.length !== CALLBACKS)
    throw new Error(`loop paid ${paid.length} orders with ${outbox.length} outbox rows of ${CALLBACKS}`)
  return run
}

/** The floor: the same checks and one UPDATE, by hand, committed per callback. */
function rawRound(file: string, signed: Awaited<ReturnType<typeof signCallbacks>>, signedAtMs: number): Run {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${synchronous.toUpperCase()}`)
  db.exec(`CREATE TABLE orders (number TEXT PRIMARY KEY, total INTEGER NOT NULL, status TEXT NOT NULL,
    transaction_id TEXT, paid_at INTEGER) STRICT`)
  const insert = db.prepare(`INSERT INTO orders (number, total, status) VALUES (?, ?, 'pending')`)
  db.transaction(() => {
    for (let i = 0; i < CALLBACKS; i++) insert.run(orderNumber(i), TOTAL)
  })()
  const pay = db.prepare(
    `UPDATE orders SET status = 'paid', transaction_id = ?, paid_at = ? WHERE number = ? AND status = 'pending' AND total = ?`,
  )
  const key = createPublicKey(signed.publicKeyPem)
  const aesKey = Buffer.from(API_V3_KEY)
  const nowS = Math.floor(signedAtMs / 1000)
  let paid = 0
  const start = performance.now()
  const cpu0 = process.cpuUsage()
  for (const c of signed.callbacks) {
    const h = new Headers(c.headers)
    const ts = h.get('Wechatpay-Timestamp')!
    if (h.get('Wechatpay-Serial') !== signed.serial || Math.abs(nowS - Number(ts)) > 300)
      throw new Error('invalid')
    const message = Buffer.concat([
      Buffer.from(`${ts}\n${h.get('Wechatpay-Nonce')}\n`),
      c.body,
      Buffer.from('\n'),
    ])
    if (!verify('sha256', message, key, Buffer.from(h.get('Wechatpay-Signature')!, 'base64')))
      throw new Error('invalid')
    const n = JSON.parse(Buffer.from(c.body).toString('utf8'))
    const data = Buffer.from(n.resource.ciphertext, 'base64')
    const d = createDecipheriv('aes-256-gcm', aesKey, Buffer.from(n.resource.nonce))
    d.setAuthTag(data.subarray(data.length - 16))
    d.setAAD(Buffer.from(n.resource.associated_data))
    const tx = JSON.parse(
      Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]).toString('utf8'),
    )
    if (tx.mchid !== MCHID || tx.appid !== APPID || tx.trade_state !== 'SUCCESS') throw new Error('invalid')
    paid += pay.run(tx.transaction_id, Date.parse(tx.success_time), tx.out_trade_no, tx.amount.total).changes
  }
  const run = measure(CALLBACKS, start, cpu0)
  db.close()
  if (paid !== CALLBACKS) throw new Error(`raw paid ${paid} of ${CALLBACKS}`)
  return run
}

let merchantKey: Promise<{ privateKeyPem: string }> | null = null
const generateMerchantKey = () => {
  merchantKey ??= generateRsaKeyPair()
  return merchantKey
}

export default async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'loopkit-bench-wechat-'))
  try {
    const signedAtMs = Date.now()
    const signed = await signCallbacks(signedAtMs)
    console.log(
      `${CALLBACKS} callbacks per round (RSA-2048 signed, AES-256-GCM encrypted), loop with ${IN_FLIGHT} in flight, ` +
        `SQLite WAL synchronous=${synchronous.toUpperCase()}, ${ROUNDS} alternating rounds after ${WARMUP} untimed, Node ${process.versions.node}, load ${loadavg()[0]!.toFixed(1)}`,
    )
    let n = 0
    const loops: Run[] = []
    const raws: Run[] = []
    const ratios: number[] = []
    const stages: Record<Stage, number[]> = { request: [], body: [], verify: [], storage: [] }
    const wechat = wechatPayments({
      mchid: MCHID,
      appid: APPID,
      privateKey: (await generateMerchantKey()).privateKeyPem,
      serialNo: '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB',
      apiV3Key: API_V3_KEY,
      verifiers: { [signed.serial]: signed.publicKeyPem },
      now: () => signedAtMs,
    })
    for (let round = -WARMUP; round < ROUNDS; round++) {
      const loopFirst = round % 2 === 0
      const raw = loopFirst ? null : rawRound(join(dir, `raw-${n++}.db`), signed, signedAtMs)
      const loop = await loopRound(join(dir, `loop-${n++}.db`), signed, signedAtMs)
      const rawRun = raw ?? rawRound(join(dir, `raw-${n++}.db`), signed, signedAtMs)
      const cpu = {} as Record<Stage, number>
      for (const stage of STAGES) {
        cpu[stage] = await stageRound(stage, {
          callbacks: signed.callbacks,
          url: `${URL_BASE}/webhooks/wechat`,
          inFlight: IN_FLIGHT,
          wechat,
          file: join(dir, `stage-${n++}.db`),
          synchronous,
          total: TOTAL,
        })
      }
      if (round < 0) continue
      loops.push(loop)
      raws.push(rawRun)
      ratios.push(loop.perSecond / rawRun.perSecond)
      for (const stage of STAGES) stages[stage].push(cpu[stage])
    }
    const line = (runs: Run[]) =>
      `${median(runs.map((r) => r.perSecond)).toFixed(0)} callbacks/s (${runs.map((r) => r.perSecond.toFixed(0)).join(', ')}), ` +
      `${median(runs.map((r) => r.cpuUsPerCallback)).toFixed(0)} µs CPU per callback`
    console.log(`  loop.fetch + @loopkit/wechat + SQLite : ${line(loops)}`)
    console.log(`  raw node:crypto + one SQLite UPDATE   : ${line(raws)}`)
    const cpuRatio =
      median(raws.map((r) => r.cpuUsPerCallback)) / median(loops.map((r) => r.cpuUsPerCallback))
    console.log(
      `  ratio loop/raw: ${median(ratios).toFixed(2)} (median of per-round ratios; target >= 0.5); ` +
        `by CPU per callback ${cpuRatio.toFixed(2)}; load ${loadavg()[0]!.toFixed(1)}`,
    )
    // Medians of the rounds: request, body and verify each less the one before; storage on its own.
    const request = median(stages.request)
    const body = median(stages.body)
    const verify = median(stages.verify)
    const storage = median(stages.storage)
    const loop = median(loops.map((r) => r.cpuUsPerCallback))
    console.log(
      `  loop CPU per callback by stage: new Request ${request.toFixed(0)} µs, body read ${(body - request).toFixed(0)}, ` +
        `verify + decrypt ${(verify - body).toFixed(0)}, storage calls ${storage.toFixed(0)}, ` +
        `routing + flow + Response ${(loop - verify - storage).toFixed(0)}`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
