import { createPrivateKey, createPublicKey, type KeyObject, randomBytes } from 'node:crypto'
import type { SimulatorClock } from '../wechat/clock.js'
import type { SimulatorHandler } from '../wechat/server.js'
import { type RsaPair, rsa2, rsaPair } from './crypto.js'
import { notificationParams, signNotification } from './notification.js'
import { type AlipayDelivery, type AlipayDeliveryOptions, createAlipayNotifier } from './notify.js'
import { bizOf, checkRequest, gatewayError, paramsOf } from './request.js'
import { type AlipayState, business, dispatch, newTradeNo, openTrade, type Payload } from './routes.js'
import { beijing, type SimTrade, tradeJson, yuan } from './state.js'

/** Options of {@link alipaySimulator}. */
export interface AlipaySimulatorOptions {
  /** Simulated start time (ms); defaults to now. */
  start?: number
  /** Simulated ms per real ms; `0` freezes time so only `advance()` moves it. Default 1. */
  timeScale?: number
  appId?: string
  sellerId?: string
  /** The application's public key, when the test brings its own key pair; generated otherwise. */
  appPublicKey?: string | KeyObject
  /** The key Alipay signs with (e.g. the key of a test `alipayCert`); generated otherwise. */
  alipayPrivateKey?: string | KeyObject
  /** Certificate mode: the SNs requests must carry, and the `alipay_cert_sn` answers carry. */
  certSn?: { app: string; root: string; alipay: string }
  /** Send a refund notice (`out_biz_no`) after each refund that moved money. Default true. */
  refundNotify?: boolean
  /** Real ms to wait for the merchant's answer; default 5000. */
  notifyTimeoutMs?: number
}

/** An OpenAPI request as the simulator saw it. */
export interface AlipayRequestRecord {
  method: string
  code: string
  subCode: string | null
}

const CASHIER_METHODS = new Set(['alipay.trade.wap.pay', 'alipay.trade.page.pay', 'alipay.trade.app.pay'])

/** The Alipay part of {@link alipaySimulator}: `{ handler, controls }`. */
export async function createAlipayPart(
  shared: { clock: SimulatorClock; baseUrl: () => string },
  options: AlipaySimulatorOptions = {},
) {
  const [appPair, alipayPair]: [RsaPair | null, RsaPair | null] = await Promise.all([
    options.appPublicKey ? null : rsaPair(),
    options.alipayPrivateKey ? null : rsaPair(),
  ])
  const appPublicKey = appPair?.publicKey ?? createPublicKey(options.appPublicKey as string | KeyObject)
  const alipayKey =
    alipayPair?.privateKey ??
    (typeof options.alipayPrivateKey === 'string'
      ? createPrivateKey(options.alipayPrivateKey)
      : options.alipayPrivateKey!)
  const alipayPublicKeyPem = createPublicKey(alipayKey).export({ type: 'spki', format: 'pem' }).toString()
  const appId = options.appId ?? `2021${String(Date.now()).slice(-12)}`
  const sellerId = options.sellerId ?? '2088101106499364'
  const deliveries: AlipayDelivery[] = []
  const requests: AlipayRequestRecord[] = []
  const faults: { subCode: string; subMsg: string; method: string | null; times: number }[] = []
  let forgeNext = 0
  const notifier = createAlipayNotifier({
    clock: shared.clock,
    log: deliveries,
    timeoutMs: options.notifyTimeoutMs ?? 5000,
  })

  /** A notification body for `trade`, signed with Alipay's key at `at`. */
  const notificationBody = (
    trade: SimTrade,
    notifyId: string,
    at: number,
    extra: Record<string, string> = {},
  ) => signNotification(notificationParams({ trade, notifyId, at, appId, sellerId, extra }), alipayKey)

  async function notify(
    trade: SimTrade,
    extra: Record<string, string> = {},
    delivery: AlipayDeliveryOptions = {},
  ): Promise<{ notifyId: string; deliveries: AlipayDelivery[] }> {
    const notifyId = randomBytes(16).toString('hex')
    if (!trade.notifyUrl) return { notifyId, deliveries: [] }
    const status = trade.status
    const sent = await notifier.deliver(
      {
        notifyId,
        outTradeNo: trade.outTradeNo,
        tradeStatus: status,
        url: trade.notifyUrl,
        body: (at) => notificationBody({ ...trade, status }, notifyId, at, extra),
      },
      delivery,
    )
    return { notifyId, deliveries: sent }
  }

  const app = { appId, publicKey: appPublicKey, certSn: options.certSn ?? null }

  const state: AlipayState = {
    baseUrl: shared.baseUrl,
    now: shared.clock.now,
    trades: new Map(),
    onRefund: (trade, outRequestNo) => {
      if (options.refundNotify === false) return
      const r = trade.refunds.get(outRequestNo)!
      const extra = { refund_fee: yuan(trade.refunded), gmt_refund: beijing(r.at), out_biz_no: outRequestNo }
      const snapshot = { ...trade }
      shared.clock.schedule(shared.clock.now(), async () => void (await notify(snapshot, extra)))
    },
  }

  function answer(method: string, payload: Payload, signed: boolean): Response {
    const key = `${method.replace(/\./g, '_')}_response`
    const content = JSON.stringify(payload)
    let text = `{"${key}":${content}`
    if (signed) {
      const sign =
        forgeNext > 0 && payload.code === '10000'
          ? randomBytes(256).toString('base64')
          : rsa2(content, alipayKey)
      if (forgeNext > 0 && payload.code === '10000') forgeNext--
      text += `${options.certSn ? `,"alipay_cert_sn":"${options.certSn.alipay}"` : ''},"sign":"${sign}"`
    }
    requests.push({ method, code: payload.code ?? '', subCode: payload.sub_code ?? null })
    return new Response(`${text}}`, { headers: { 'Content-Type': 'text/html;charset=utf-8' } })
  }

  function cashier(
    method: string,
    params: Record<string, string>,
    biz: Record<string, unknown> | null,
  ): Response {
    const refused =
      checkRequest(params, app) ?? (biz ? null : business('ACQ.INVALID_PARAMETER', 'biz_content无效'))
    const trade =
      refused ??
      openTrade(state, {
        method,
        biz: biz!,
        notifyUrl: params.notify_url ?? null,
        returnUrl: params.return_url ?? null,
      })
    const html = (status: number, body: string) =>
      new Response(`<!doctype html><meta charset="utf-8">${body}`, {
        status,
        headers: { 'Content-Type': 'text/html; charset=utf-8' },
      })
    if ('code' in trade && typeof trade.code === 'string')
      return html(400, `<p>错误代码 ${trade.sub_code}: ${trade.sub_msg}</p>`)
    const t = trade as SimTrade
    return html(
      200,
      `<h1>支付宝收银台 (simulated)</h1><p>${t.subject} ¥${yuan(t.total)}</p><a id="pay" href="/_sim/alipay/pay?out_trade_no=${encodeURIComponent(t.outTradeNo)}">确认付款</a>`,
    )
  }

  async function pay(
    input: { outTradeNo: string; notify?: boolean; buyerId?: string } & AlipayDeliveryOptions,
  ) {
    const trade = state.trades.get(input.outTradeNo)
    if (!trade)
      throw new Error(
        `[loopkit] [alipay-simulator] No trade ${input.outTradeNo}: open its payment page first.`,
      )
    if (trade.status !== 'WAIT_BUYER_PAY')
      throw new Error(`[loopkit] [alipay-simulator] Trade ${input.outTradeNo} is ${trade.status}.`)
    if (trade.timeExpire !== null && shared.clock.now() > trade.timeExpire) {
      trade.status = 'TRADE_CLOSED'
      throw new Error(`[loopkit] [alipay-simulator] Trade ${input.outTradeNo} expired.`)
    }
    trade.status = 'TRADE_SUCCESS'
    trade.tradeNo = newTradeNo(shared.clock.now())
    trade.paidAt = shared.clock.now()
    trade.buyerId = input.buyerId ?? `2088${Array.from(randomBytes(12), (b) => b % 10).join('')}`
    if (input.notify === false)
      return { tradeNo: trade.tradeNo, notifyId: null, deliveries: [] as AlipayDelivery[] }
    return { tradeNo: trade.tradeNo, ...(await notify(trade, {}, input)) }
  }

  const handler: SimulatorHandler = async (req, ctx) => {
    const url = new URL(req.url)
    if (url.pathname === '/_sim/alipay/pay') {
      const outTradeNo = url.searchParams.get('out_trade_no') ?? ''
      try {
        await pay({ outTradeNo })
      } catch (e) {
        return new Response((e as Error).message, { status: 409 })
      }
      const back = state.trades.get(outTradeNo)?.returnUrl
      if (back) return new Response(null, { status: 302, headers: { Location: back } })
      return new Response('支付成功 (simulated)', {
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      })
    }
    if (url.pathname !== '/gateway.do') return null
    const params = paramsOf(url, req, ctx.body)
    const method = params.method ?? ''
    const biz = bizOf(params)
    if (CASHIER_METHODS.has(method)) return cashier(method, params, biz)
    const refused = checkRequest(params, app)
    if (refused) return answer(method || 'error', refused, false)
    if (!biz) return answer(method, business('ACQ.INVALID_PARAMETER', 'biz_content无效'), true)
    const fault = faults.find((f) => f.method === null || f.method === method)
    if (fault) {
      if (--fault.times <= 0) faults.splice(faults.indexOf(fault), 1)
      return answer(method, business(fault.subCode, fault.subMsg), true)
    }
    const payload = dispatch(state, method, biz, {
      notifyUrl: params.notify_url ?? null,
      returnUrl: params.return_url ?? null,
    })
    if (!payload)
      return answer(
        method,
        gatewayError('40002', 'Invalid Arguments', 'isv.invalid-method', '不存在的方法名'),
        false,
      )
    return answer(method, payload, true)
  }

  const controls = {
    appId,
    sellerId,
    /** Alipay's public key (PEM): `alipayPublicKey` of the adapter. */
    alipayPublicKey: alipayPublicKeyPem,
    /** The generated application private key (PEM), or null when the test brought its own. */
    appPrivateKey: appPair?.privateKeyPem ?? null,
    /** The gateway URL: `gateway` of the adapter. */
    gateway: () => `${shared.baseUrl()}/gateway.do`,
    /** Options for `alipayPayments()` that talk to this simulator (needs the generated app key). */
    adapterOptions() {
      if (!appPair)
        throw new Error('[loopkit] [alipay-simulator] adapterOptions() needs a generated app key.')
      return {
        appId,
        privateKey: appPair.privateKeyPem,
        alipayPublicKey: alipayPublicKeyPem,
        gateway: `${shared.baseUrl()}/gateway.do`,
        sellerId,
        now: shared.clock.now,
      }
    },
    /** The buyer pays an open trade: TRADE_SUCCESS is delivered to its notify_url, with retries. */
    pay,
    /** Signs notification parameters with Alipay's key and form-encodes them (for crafted notices). */
    signNotification: (params: Record<string, string>) => signNotification(params, alipayKey),
    /** The genuine notification body of a trade as it stands, with `extra` parameters (signed). */
    notificationBody: (outTradeNo: string, notifyId: string, extra: Record<string, string> = {}) => {
      const trade = state.trades.get(outTradeNo)
      if (!trade) throw new Error(`[loopkit] [alipay-simulator] No trade ${outTradeNo}.`)
      return notificationBody(trade, notifyId, shared.clock.now(), extra)
    },
    /** The trade as `alipay.trade.query` reports it, or null. */
    trade: (outTradeNo: string) => {
      const t = state.trades.get(outTradeNo)
      return t ? tradeJson(t) : null
    },
    /** Answer the next matching OpenAPI call(s) with this business error (after the signature check). */
    failNext(input: { subCode: string; subMsg?: string; method?: string; times?: number }) {
      faults.push({
        subCode: input.subCode,
        subMsg: input.subMsg ?? input.subCode,
        method: input.method ?? null,
        times: input.times ?? 1,
      })
    },
    /** The next successful answer(s) carry an invalid signature, as a forged answer would. */
    forgeNextResponse(times = 1) {
      forgeNext += times
    },
    /** Every notification POST so far. */
    deliveries: deliveries as readonly AlipayDelivery[],
    /** Every OpenAPI call so far. */
    requests: requests as readonly AlipayRequestRecord[],
    /** Notification ids that exhausted the retry schedule without `success`. */
    exhausted: notifier.exhausted as readonly string[],
  }
  return { handler, controls }
}
