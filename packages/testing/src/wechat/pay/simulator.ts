import { createPublicKey, type KeyObject, randomBytes, randomUUID } from 'node:crypto'
import type { SimulatorClock } from '../clock.js'
import type { SimulatorContext, SimulatorHandler } from '../server.js'
import { checkMerchantSignature } from './auth.js'
import { certificateControls, createCertificateAuthority } from './certificates.js'
import {
  encrypt,
  generateRsaKeyPair,
  randomOpenid,
  randomPublicKeyId,
  randomSerial,
  wechatpayHeaders,
} from './crypto.js'
import { createFaults } from './faults.js'
import { createNotifier, type Delivery, type DeliveryOptions } from './notify.js'
import * as routes from './routes.js'
import { refundNoticeJson, rfc3339, type SimOrder, type SimRefund, transactionJson } from './state.js'

/** Options of the WeChat Pay part of {@link wechatSimulator}. */
export interface PaySimulatorOptions {
  mchid?: string
  /** Appids bound to the merchant; the first is the official account, the second (if any) the mini-program. */
  appids?: string[]
  /** 32 characters; generated when absent. */
  apiV3Key?: string
  /** The merchant's API key pair; generated (and exposed with its private key) when absent. */
  merchant?: { serialNo: string; publicKey: string | KeyObject }
  /**
   * Real WeChat Pay only posts to HTTPS `notify_url`s. Set this to accept `http://127.0.0.1`,
   * `http://localhost` and `http://[::1]` too, so callbacks reach a test server without TLS.
   */
  allowInsecureNotifyUrl?: boolean
  /**
   * Which key signs responses and callbacks: the WeChat Pay public key (default) or the platform
   * certificate. In certificate mode `GET /v3/certificates` serves the platform certificates; in
   * public-key mode it answers `RESOURCE_NOT_EXISTS`, as WeChat does for merchants without any.
   */
  signWith?: 'publicKey' | 'certificate'
  /** Validity of issued platform certificates in ms; default five years, as WeChat's. */
  certificateValidityMs?: number
  /** Simulated ms from a refund request to its REFUND.* notification; default 5000. */
  refundDelayMs?: number
  /** Real ms to wait for the merchant's ACK; default 5000. */
  notifyTimeoutMs?: number
}

/**
 * What the WeChat Pay part shares with the rest of the simulator: its clock and its base URL.
 * @inline
 */
export interface PaySimulatorShared {
  clock: SimulatorClock
  baseUrl: () => string
}

/** A merchant request as the simulator saw it. */
export interface PayRequestRecord {
  method: string
  url: string
  status: number
  code: string | null
}

/**
 * The WeChat Pay part of {@link wechatSimulator}: `{ handler, controls }`, where `controls` is
 * `sim.pay`. Use `wechatSimulator()` unless composing a server of your own.
 *
 * @example
 * ```ts
 * const clock = createSimulatorClock({ timeScale: 0 })
 * let url = ''
 * const pay = await createPaySimulator({ clock, baseUrl: () => url })
 * const server = await startSimulatorServer({ handlers: [pay.handler] })
 * url = server.url
 * ```
 */
export async function createPaySimulator(shared: PaySimulatorShared, options: PaySimulatorOptions = {}) {
  const [merchantPair, platform, publicKeyMode] = await Promise.all([
    options.merchant ? Promise.resolve(null) : generateRsaKeyPair(),
    generateRsaKeyPair(),
    generateRsaKeyPair(),
  ])
  const mchid = options.mchid ?? '1900000109'
  const appids = options.appids ?? [
    `wx${randomBytes(8).toString('hex')}`,
    `wx${randomBytes(8).toString('hex')}`,
  ]
  const apiV3Key = options.apiV3Key ?? randomBytes(16).toString('hex')
  if (Buffer.byteLength(apiV3Key) !== 32)
    throw new Error('[loopkit] [wechat-simulator] `apiV3Key` must be 32 bytes.')
  const merchantSerial = options.merchant?.serialNo ?? randomSerial()
  const merchantPublicKey = options.merchant
    ? typeof options.merchant.publicKey === 'string'
      ? createPublicKey(options.merchant.publicKey)
      : options.merchant.publicKey
    : merchantPair!.publicKey

  const certificates = createCertificateAuthority({
    now: shared.clock.now,
    ...(options.certificateValidityMs ? { validityMs: options.certificateValidityMs } : {}),
  })
  await certificates.issue(platform)
  const publicKey = { id: randomPublicKeyId(), pair: publicKeyMode }
  let signWith = options.signWith ?? 'publicKey'
  const faults = createFaults()
  const deliveries: Delivery[] = []
  const requests: PayRequestRecord[] = []

  const signer = () => {
    if (signWith === 'publicKey') return { key: publicKey.pair.privateKey, serial: publicKey.id }
    const cert = certificates.signer()
    return { key: cert.pair.privateKey, serial: cert.serial }
  }

  const headersFor = (body: string | Uint8Array, as: { key: KeyObject; serial: string } = signer()) =>
    wechatpayHeaders({ body, ...as, nowMs: shared.clock.now(), requestId: randomUUID() })

  const notifier = createNotifier({
    clock: shared.clock,
    headers: headersFor,
    log: deliveries,
    timeoutMs: options.notifyTimeoutMs ?? 5000,
  })

  async function notifyEvent(
    input: { type: string; summary: string; url: string; originalType: string; resource: unknown },
    delivery: DeliveryOptions = {},
  ) {
    const id = randomUUID()
    const body = JSON.stringify({
      id,
      create_time: rfc3339(shared.clock.now()),
      resource_type: 'encrypt-resource',
      event_type: input.type,
      summary: input.summary,
      resource: {
        original_type: input.originalType,
        ...encrypt(apiV3Key, JSON.stringify(input.resource), input.originalType),
      },
    })
    return {
      eventId: id,
      deliveries: await notifier.deliver({ id, type: input.type, url: input.url, body }, delivery),
    }
  }

  async function settle(
    refund: SimRefund,
    status: 'SUCCESS' | 'ABNORMAL' | 'CLOSED',
    delivery: DeliveryOptions = {},
  ) {
    if (refund.status !== 'PROCESSING') return { eventId: null, deliveries: [] as Delivery[] }
    refund.status = status
    if (status === 'SUCCESS') refund.successTime = shared.clock.now()
    const order = state.orders.get(refund.outTradeNo)!
    const url = refund.notifyUrl ?? order.notifyUrl
    const summary = status === 'SUCCESS' ? '退款成功' : status === 'CLOSED' ? '退款关闭' : '退款异常'
    return notifyEvent(
      {
        type: `REFUND.${status}`,
        summary,
        url,
        originalType: 'refund',
        resource: refundNoticeJson(refund, mchid),
      },
      delivery,
    )
  }

  const state: routes.PayState = {
    mchid,
    appids,
    baseUrl: shared.baseUrl,
    now: shared.clock.now,
    allowInsecureNotifyUrl: options.allowInsecureNotifyUrl ?? false,
    orders: new Map(),
    refunds: new Map(),
    onRefundCreated: (refund) => {
      shared.clock.schedule(
        shared.clock.now() + (options.refundDelayMs ?? 5000),
        async () => void (await settle(refund, 'SUCCESS')),
      )
    },
  }

  function findOrder(input: { outTradeNo?: string; prepayId?: string }): SimOrder {
    const order = input.outTradeNo
      ? state.orders.get(input.outTradeNo)
      : [...state.orders.values()].find((o) => o.prepayId === input.prepayId)
    if (!order)
      throw new Error(`[loopkit] [wechat-simulator] No order ${input.outTradeNo ?? input.prepayId}.`)
    return order
  }

  async function payOrder(
    input: { outTradeNo?: string; prepayId?: string; openid?: string; notify?: boolean } & DeliveryOptions,
  ) {
    const order = findOrder(input)
    if (order.state !== 'NOTPAY')
      throw new Error(`[loopkit] [wechat-simulator] Order ${order.outTradeNo} is ${order.state}, not NOTPAY.`)
    if (shared.clock.now() > order.timeExpire)
      throw new Error(`[loopkit] [wechat-simulator] Order ${order.outTradeNo} expired.`)
    order.state = 'SUCCESS'
    order.transactionId = routes.newTransactionId(shared.clock.now())
    order.successTime = shared.clock.now()
    order.payerOpenid = input.openid ?? order.payerOpenid ?? randomOpenid()
    if (input.notify === false)
      return { transactionId: order.transactionId, eventId: null, deliveries: [] as Delivery[] }
    const sent = await notifyEvent(
      {
        type: 'TRANSACTION.SUCCESS',
        summary: '支付成功',
        url: order.notifyUrl,
        originalType: 'transaction',
        resource: transactionJson(order),
      },
      input,
    )
    return { transactionId: order.transactionId, ...sent }
  }

  async function route(
    req: Request,
    ctx: SimulatorContext,
    url: URL,
  ): Promise<routes.PayResult & { signAs?: { key: KeyObject; serial: string } }> {
    const auth = checkMerchantSignature({
      method: req.method,
      rawUrl: ctx.rawUrl,
      body: ctx.body,
      authorization: req.headers.get('authorization'),
      mchid,
      serialNo: merchantSerial,
      publicKey: merchantPublicKey,
      nowMs: shared.clock.now(),
    })
    if (auth) return routes.toResult(auth)
    const fault = faults.error(url.pathname)
    if (fault) return fault
    if (signWith === 'certificate' && req.method === 'GET' && url.pathname === '/v3/certificates') {
      const { json, signAs } = await certificates.answer(apiV3Key)
      return { status: 200, json, signAs: { key: signAs.pair.privateKey, serial: signAs.serial } }
    }
    return routes.dispatch(state, req.method, url, ctx.body)
  }

  const handler: SimulatorHandler = async (req, ctx) => {
    const url = new URL(req.url)
    if (url.pathname === '/_sim/pay') return buyerPage(url)
    if (!url.pathname.startsWith('/v3/')) return null
    const result = await route(req, ctx, url)
    if (result.status < 300) result.json = faults.reshape(url.pathname, result.json)
    const text = result.json === undefined ? '' : JSON.stringify(result.json)
    const headers: Record<string, string> = {
      ...headersFor(text, result.signAs),
      ...(text ? { 'Content-Type': 'application/json' } : {}),
    }
    if (result.status < 300 && faults.forge())
      headers['Wechatpay-Signature'] = randomBytes(256).toString('base64')
    requests.push({
      method: req.method,
      url: ctx.rawUrl,
      status: result.status,
      code: (result.json as { code?: string } | undefined)?.code ?? null,
    })
    return new Response(text || null, { status: result.status, headers })
  }

  // The buyer's side of H5 (and a convenience for demos): opening the page pays the order.
  async function buyerPage(url: URL): Promise<Response> {
    const prepayId = url.searchParams.get('prepay_id') ?? undefined
    const outTradeNo = url.searchParams.get('out_trade_no') ?? undefined
    try {
      await payOrder({ ...(prepayId ? { prepayId } : {}), ...(outTradeNo ? { outTradeNo } : {}) })
    } catch (e) {
      return new Response(`<!doctype html><p>${(e as Error).message}</p>`, {
        status: 409,
        headers: { 'Content-Type': 'text/html; charset=utf-8' },
      })
    }
    const back = url.searchParams.get('redirect_url')
    if (back) return new Response(null, { status: 302, headers: { Location: back } })
    return new Response('<!doctype html><p>支付成功 (simulated)</p>', {
      headers: { 'Content-Type': 'text/html; charset=utf-8' },
    })
  }

  const verifiers = (): Record<string, string> => ({
    ...Object.fromEntries(certificates.valid().map((c) => [c.serial, c.pem])),
    [publicKey.id]: publicKey.pair.publicKeyPem,
  })

  const controls = {
    mchid,
    appid: appids[0]!,
    miniProgramAppid: appids[1] ?? null,
    appids,
    apiV3Key,
    merchant: { mchid, serialNo: merchantSerial, privateKey: merchantPair?.privateKeyPem ?? null },
    /** The platform certificate that signs now: serial, certificate and public key (PEM). */
    get platformCertificate() {
      const cert = certificates.signer()
      return { serial: cert.serial, certificate: cert.pem, publicKey: cert.pair.publicKeyPem }
    },
    ...certificateControls(certificates, () => {
      signWith = 'certificate'
    }),
    /** The WeChat Pay public key (`PUB_KEY_ID_…`) and its PEM. */
    publicKey: { id: publicKey.id, pem: publicKey.pair.publicKeyPem },
    /** Every key the simulator may sign with, by serial / key ID: pass as `verifiers`. */
    verifiers,
    /** Options for `wechatPayments()` that talk to this simulator (needs a generated merchant key). */
    adapterOptions() {
      if (!merchantPair)
        throw new Error(
          '[loopkit] [wechat-simulator] adapterOptions() needs the simulator to generate the merchant key.',
        )
      return {
        mchid,
        appid: appids[0]!,
        ...(appids[1] ? { miniProgramAppid: appids[1] } : {}),
        privateKey: merchantPair.privateKeyPem,
        serialNo: merchantSerial,
        apiV3Key,
        verifiers: verifiers(),
        baseUrl: shared.baseUrl(),
        now: shared.clock.now,
      }
    },
    /** Switch the signing key: `publicKey` (PUB_KEY_ID_…) or `certificate` (platform certificate serial). */
    signWith(kind: 'publicKey' | 'certificate') {
      signWith = kind
    },
    /** The buyer pays: the order becomes SUCCESS and TRANSACTION.SUCCESS is delivered (with retries). */
    payOrder,
    /** Settle a PROCESSING refund now (default SUCCESS) and deliver its REFUND.* notification. */
    async settleRefund(
      input: { outRefundNo: string; status?: 'SUCCESS' | 'ABNORMAL' | 'CLOSED' } & DeliveryOptions,
    ) {
      const refund = state.refunds.get(input.outRefundNo)
      if (!refund) throw new Error(`[loopkit] [wechat-simulator] No refund ${input.outRefundNo}.`)
      return settle(refund, input.status ?? 'SUCCESS', input)
    },
    ...faults.controls,
    order: (outTradeNo: string) => {
      const o = state.orders.get(outTradeNo)
      return o ? (transactionJson(o) as Record<string, unknown>) : null
    },
    refund: (outRefundNo: string) => state.refunds.get(outRefundNo) ?? null,
    /** Every notification POST so far. */
    deliveries: deliveries as readonly Delivery[],
    /** Every merchant API request so far. */
    requests: requests as readonly PayRequestRecord[],
    /** Event ids that exhausted the retry schedule without an ACK. */
    exhausted: notifier.exhausted as readonly string[],
  }
  return { handler, controls }
}

/** The WeChat Pay controls of a running simulator (`sim.pay`). */
export type PaySimulator = Awaited<ReturnType<typeof createPaySimulator>>['controls']
