import { createSimulatorClock, type SimulatorClock } from './clock.js'
import { createOaSimulator, type OaSimulatorOptions } from './oa/index.js'
import { createOpenSimulator } from './open/index.js'
import { createPaySimulator, type PaySimulatorOptions } from './pay/index.js'
import { type SimulatorHandler, startSimulatorServer } from './server.js'

export { createSimulatorClock, type SimulatorClock } from './clock.js'
export * from './oa/index.js'
export * from './open/index.js'
export * from './pay/index.js'
export {
  type SimulatorContext,
  type SimulatorHandler,
  type SimulatorServer,
  startSimulatorServer,
} from './server.js'

/** Options of {@link wechatSimulator}. */
export interface WechatSimulatorOptions {
  /** Simulated start time (ms); defaults to now. */
  start?: number
  /** Simulated ms per real ms; `0` freezes time so only `advance()` moves it. Default 1. */
  timeScale?: number
  pay?: PaySimulatorOptions
  /** The official account's message server, followers, tags, QR codes, mass send and quotas. */
  oa?: OaSimulatorOptions
  /** Extra handlers, tried after the built-in parts. */
  handlers?: SimulatorHandler[]
}

/** What the parts of the simulator share. */
export interface SimulatorShared {
  clock: SimulatorClock
  baseUrl: () => string
}

/**
 * A WeChat server on loopback for tests and demos, on `127.0.0.1` with a random port: WeChat Pay
 * API v3 under `sim.pay` (signed requests checked, responses and callbacks signed, APIv3-encrypted
 * notifications on the real retry schedule) and the open platform under `sim.open` (OAuth, tokens,
 * tickets, messages). Point an adapter's `baseUrl` at `url` and change nothing else. Both parts
 * share one clock: `timeScale` compresses time, `advance()` jumps it.
 *
 * @example
 * ```ts
 * const sim = await wechatSimulator({ timeScale: 0, pay: { allowInsecureNotifyUrl: true } })
 * const payments = wechatPayments(sim.pay.adapterOptions())
 * // … createPayment, then the buyer pays:
 * await sim.pay.payOrder({ outTradeNo: order.number })
 * await sim.advance(15_000) // the first retry, if the callback was not acknowledged
 * await sim.close()
 * ```
 */
export async function wechatSimulator(options: WechatSimulatorOptions = {}) {
  const clock = createSimulatorClock({
    ...(options.start !== undefined ? { start: options.start } : {}),
    timeScale: options.timeScale ?? 1,
  })
  let url = ''
  const shared: SimulatorShared = { clock, baseUrl: () => url }
  // Each part is `{ handler, controls }`; its controls appear on the result under the same name.
  const open = createOpenSimulator(shared)
  // One merchant bound to the simulated official account and mini-program, so a JSAPI payment's
  // openid (from the simulated OAuth) belongs to the appid the payment is made with.
  const appids = [open.controls.officialAccount.appid, open.controls.miniProgram.appid]
  const parts = {
    pay: await createPaySimulator(shared, { appids, ...options.pay }),
    open,
    oa: createOaSimulator(shared, open.controls, options.oa),
  }
  const handlers: SimulatorHandler[] = [
    ...Object.values(parts).map((p) => p.handler),
    ...(options.handlers ?? []),
  ]
  const server = await startSimulatorServer({ handlers })
  url = server.url
  const controls = Object.fromEntries(Object.entries(parts).map(([name, p]) => [name, p.controls])) as {
    [K in keyof typeof parts]: (typeof parts)[K]['controls']
  }
  return {
    url,
    ...controls,
    clock,
    /** Simulated ms now. */
    now: clock.now,
    /** Moves simulated time forward and awaits the deliveries that fell due. */
    advance: clock.advance,
    /** Awaits deliveries in flight. */
    idle: clock.idle,
    async close() {
      clock.stop()
      await server.close()
    },
  }
}

/** A running simulator, as {@link wechatSimulator} resolves it. */
export type WechatSimulator = Awaited<ReturnType<typeof wechatSimulator>>
