import { createSimulatorClock } from '../wechat/clock.js'
import { startSimulatorServer } from '../wechat/server.js'
import { type AlipaySimulatorOptions, createAlipayPart } from './simulator.js'

export {
  ALIPAY_NOTIFY_RETRY_SCHEDULE_MS,
  type AlipayDelivery,
  type AlipayDeliveryOptions,
} from './notify.js'
export type { AlipayRequestRecord, AlipaySimulatorOptions } from './simulator.js'

/**
 * An Alipay Open Platform gateway on loopback for tests and demos (`127.0.0.1`, random port): RSA2
 * requests verified with the application's public key, JSON answers signed with the simulator's
 * Alipay key, real error codes (`ACQ.TRADE_NOT_EXIST`, `ACQ.TRADE_HAS_SUCCESS`,
 * `isv.invalid-signature`, …), a cashier page for `wap` / `page` / `app` and a buyer `pay()` action,
 * and signed form notifications posted to the trade's `notify_url` until it answers `success`, on
 * Alipay's schedule (4m, 10m, 10m, 1h, 2h, 6h, 15h) with the same `notify_id`. `timeScale` compresses
 * time and `advance()` jumps it. Point the adapter's `gateway` at `sim.gateway()`, nothing else.
 *
 * @example
 * ```ts
 * const sim = await alipaySimulator({ timeScale: 0 })
 * const payments = alipayPayments(sim.adapterOptions())
 * // … checkout with method 'qr', then the buyer pays:
 * await sim.pay({ outTradeNo: order.number })
 * await sim.advance(4 * 60_000) // the first retry, if the loop did not answer `success`
 * await sim.close()
 * ```
 */
export async function alipaySimulator(options: AlipaySimulatorOptions = {}) {
  const clock = createSimulatorClock({
    ...(options.start !== undefined ? { start: options.start } : {}),
    timeScale: options.timeScale ?? 1,
  })
  let url = ''
  const part = await createAlipayPart({ clock, baseUrl: () => url }, options)
  const server = await startSimulatorServer({ handlers: [part.handler] })
  url = server.url
  return {
    url,
    ...part.controls,
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

/** A running simulator, as {@link alipaySimulator} resolves it. */
export type AlipaySimulator = Awaited<ReturnType<typeof alipaySimulator>>
