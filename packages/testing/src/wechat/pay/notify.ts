import { randomBytes } from 'node:crypto'
import type { SimulatorClock } from '../clock.js'

/** WeChat Pay's documented notification intervals: 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h. */
export const NOTIFY_RETRY_SCHEDULE_MS: readonly number[] = [
  15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
].map((s) => s * 1000)

/** One POST of a notification to the merchant. */
export interface Delivery {
  eventId: string
  eventType: string
  url: string
  /** 0 for the first delivery, n for the n-th retry. */
  attempt: number
  /** `probe`: an invalid-signature probe; `duplicate`: a repeat after an ACK; `concurrent`: a parallel copy. */
  kind: 'genuine' | 'probe' | 'duplicate' | 'concurrent'
  /** Simulated time of the POST. */
  at: number
  /** HTTP status, or null when the request failed or timed out. */
  status: number | null
  /** 200 or 204, whatever the body says. */
  acked: boolean
  error?: string
}

/** How the simulator delivers a notification: extra concurrent and repeated copies, to test idempotency. */
export interface DeliveryOptions {
  /** Copies of the first delivery sent at once (WeChat sends from several servers). Default 1. */
  concurrent?: number
  /** Extra deliveries of the same event after it was acknowledged. Default 0. */
  duplicates?: number
  /** Send an invalid-signature probe (`WECHATPAY/SIGNTEST/…`) before the real delivery. */
  probe?: boolean
}

export interface NotificationEvent {
  id: string
  type: string
  url: string
  body: string
}

export interface Notifier {
  deliver(event: NotificationEvent, options?: DeliveryOptions): Promise<Delivery[]>
  /** Events that were never acknowledged after the whole schedule. */
  readonly exhausted: string[]
}

export function createNotifier(input: {
  clock: SimulatorClock
  headers: (body: string) => Record<string, string>
  log: Delivery[]
  timeoutMs: number
}): Notifier {
  const exhausted: string[] = []

  async function post(event: NotificationEvent, attempt: number, kind: Delivery['kind']): Promise<Delivery> {
    const headers = input.headers(event.body)
    if (kind === 'probe')
      headers['Wechatpay-Signature'] = `WECHATPAY/SIGNTEST/${randomBytes(192).toString('base64')}`
    const record: Delivery = {
      eventId: event.id,
      eventType: event.type,
      url: event.url,
      attempt,
      kind,
      at: input.clock.now(),
      status: null,
      acked: false,
    }
    try {
      const res = await fetch(event.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'Mozilla/4.0', ...headers },
        body: event.body,
        signal: AbortSignal.timeout(input.timeoutMs),
      })
      await res.arrayBuffer()
      record.status = res.status
      record.acked = res.status === 200 || res.status === 204
    } catch (e) {
      record.error = (e as Error).message
    }
    input.log.push(record)
    return record
  }

  async function attempt(event: NotificationEvent, n: number, options: DeliveryOptions): Promise<Delivery[]> {
    const out: Delivery[] = []
    if (n === 0 && options.probe) out.push(await post(event, 0, 'probe'))
    const copies = n === 0 ? Math.max(1, options.concurrent ?? 1) : 1
    const first = await Promise.all(
      Array.from({ length: copies }, (_, i) => post(event, n, i === 0 ? 'genuine' : 'concurrent')),
    )
    out.push(...first)
    if (first.some((d) => d.acked)) {
      for (let i = 0; i < (n === 0 ? (options.duplicates ?? 0) : 0); i++)
        out.push(await post(event, n, 'duplicate'))
      return out
    }
    const wait = NOTIFY_RETRY_SCHEDULE_MS[n]
    if (wait === undefined) exhausted.push(event.id)
    else
      input.clock.schedule(input.clock.now() + wait, async () => void (await attempt(event, n + 1, options)))
    return out
  }

  return {
    deliver: (event, options = {}) => attempt(event, 0, options),
    exhausted,
  }
}
