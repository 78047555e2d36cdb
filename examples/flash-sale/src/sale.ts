import { createLoop, isLoopError, type Loop, type LoopOptions } from '@loopkit/core'
import { consoleMessaging, sandboxPayments } from '@loopkit/core/dev'
import { type SqliteStorageOptions, sqliteStorage } from '@loopkit/storage-sqlite'
import { driveOverSocket } from './server.js'

export interface FlashSaleOptions {
  /** The SQLite file the sale runs on (a new, empty one). */
  file: string
  /** Units on sale. */
  units: number
  /** Buyers; each tries to buy one unit once. */
  buyers: number
  /** Checkouts in flight at once. Default 32. */
  concurrency?: number
  synchronous?: SqliteStorageOptions['synchronous']
  /** Other options of the sale's SQLite storage (`checkpoints`, say). */
  sqlite?: Omit<SqliteStorageOptions, 'file' | 'synchronous'>
  /**
   * How buyers check out: `loop.checkout()` (default), or `POST /checkout` through `loop.fetch`, the
   * route browsers use and the one the rate limits guard (the buyer is named by the host's session
   * resolver, so the route itself is what is measured), or the same requests over a socket to a real
   * `node:http` server on 127.0.0.1 (`'server'`; the webhook goes over the socket too).
   */
  via?: 'api' | 'http' | 'server'
  /** With `via: 'server'`: sockets the client keeps open to the server (bounded load). Default 32. */
  connections?: number
  /** The loop's `rateLimits` option (default: the loop's default). */
  rateLimits?: LoopOptions['rateLimits']
  /**
   * Background work a deployment runs next to its checkouts (the analytics fold, say): called with
   * the sale's loop once the buyers are registered, just before the clock starts; what it returns
   * is called when the sale ends. Its CPU counts in `cpuMs`. Not with `via: 'server'`.
   */
  alongside?: (loop: Loop) => Promise<() => Promise<void>>
}

export interface FlashSaleResult {
  attempts: number
  paid: number
  soldOut: number
  /** Units sold beyond the stock. Must be 0. */
  oversold: number
  stockLeft: number
  outboxRows: number
  /** Wall-clock of the sale itself (customers are registered before it starts). */
  elapsedMs: number
  /** CPU time (user + system) of this process during the sale, in ms: the figure least moved by other load. */
  cpuMs: number
  /** With `via: 'server'`: CPU time of the client process (the buyers) during the sale, in ms. */
  clientCpuMs?: number
  setupMs: number
  /** Per-call latencies in ms, sorted ascending. */
  checkoutMs: Float64Array
  payMs: Float64Array
}

const SKU = 'duck-flash'

const overHttpVia = (via: FlashSaleOptions['via']) => via === 'http' || via === 'server'

/** The value at quantile `q` (0–1) of an ascending array. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

/**
 * Runs a flash sale through the public loop API: registered buyers check out with
 * `loop.checkout`, and each order is paid by a signed sandbox webhook delivered to `loop.fetch`
 * (which writes the paid transition, the payment, the event and the outbox row in one step).
 */
export async function runFlashSale(options: FlashSaleOptions): Promise<FlashSaleResult> {
  const setupStart = performance.now()
  const storage = sqliteStorage({
    ...options.sqlite,
    file: options.file,
    ...(options.synchronous ? { synchronous: options.synchronous } : {}),
  })
  // The buyers' process signs webhooks as the sandbox does when the sale runs over a socket.
  const sandboxSecret = 'flash-sale-sandbox-webhook-secret'
  const sandbox = sandboxPayments({ secret: sandboxSecret })
  const loop = createLoop({
    secret: 'flash-sale-example-secret-0123456789abcdef',
    baseUrl: 'http://127.0.0.1:3000/loop',
    storage,
    payments: [sandbox],
    messaging: [consoleMessaging({ log: () => {} })],
    ...(overHttpVia(options.via) ? { session: { resolve: (r: Request) => r.headers.get('x-buyer') } } : {}),
    ...(options.rateLimits !== undefined ? { rateLimits: options.rateLimits } : {}),
  })
  const overHttp = overHttpVia(options.via)
  const checkout = async (customerId: string, idempotencyKey: string): Promise<{ number: string }> => {
    const lines = [{ skuId: SKU, quantity: 1 }]
    if (!overHttp) return (await loop.checkout({ customerId, lines, idempotencyKey })).order
    const res = await loop.fetch(
      new Request('http://127.0.0.1:3000/loop/checkout', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-buyer': customerId },
        body: JSON.stringify({ lines, idempotencyKey }),
      }),
    )
    const body = (await res.json()) as { order: { number: string }; error?: { code: string } }
    if (res.status === 409 && body.error?.code === 'out_of_stock')
      throw Object.assign(new Error(), body.error)
    if (res.status !== 201) throw new Error(`checkout answered ${res.status}: ${JSON.stringify(body)}`)
    return body.order
  }
  await loop.catalog.put({
    id: SKU,
    title: 'Nanjing salted duck, flash price',
    description: null,
    imageUrl: null,
    price: 3900,
    currency: 'CNY',
    stock: options.units,
    active: true,
  })
  // `put` applies stock only when it creates the SKU; the sale opens with exactly `units` either way.
  await loop.catalog.setStock({ id: SKU, stock: options.units })
  const customers: string[] = []
  for (let i = 0; i < options.buyers; i++) {
    const { customer } = await loop.customers.login({
      profile: { provider: 'sandbox', subject: `buyer-${i}` },
    })
    customers.push(customer.id)
  }
  const setupMs = performance.now() - setupStart

  let checkoutMs = new Float64Array(options.buyers)
  let payMs = new Float64Array(options.buyers)
  let next = 0
  let paid = 0
  let soldOut = 0
  const buyer = async () => {
    for (let i = next++; i < options.buyers; i = next++) {
      const t0 = performance.now()
      let orderNumber: string
      try {
        orderNumber = (await checkout(customers[i]!, `flash-sale-${i}`)).number
      } catch (error) {
        if ((isLoopError(error) || overHttp) && (error as { code?: string }).code === 'out_of_stock') {
          checkoutMs[i] = performance.now() - t0
          soldOut++
          continue
        }
        throw error
      }
      const t1 = performance.now()
      checkoutMs[i] = t1 - t0
      const response = await loop.fetch(await sandbox.pay({ orderNumber }))
      if (!response.ok) throw new Error(`webhook answered ${response.status}: ${await response.text()}`)
      payMs[paid] = performance.now() - t1
      paid++
    }
  }
  const stopAlongside = options.alongside && options.via !== 'server' ? await options.alongside(loop) : null
  let start = performance.now()
  let cpu0 = process.cpuUsage()
  let clientCpuMs: number | undefined
  if (options.via === 'server') {
    const seen = await driveOverSocket({
      handler: loop.fetch,
      origin: 'http://127.0.0.1:3000',
      job: {
        base: '/loop',
        customers,
        skuId: SKU,
        secret: sandboxSecret,
        concurrency: options.concurrency ?? 32,
        connections: options.connections ?? 32,
      },
      onStart: () => {
        start = performance.now()
        cpu0 = process.cpuUsage()
      },
    })
    ;({ soldOut, paid } = seen)
    clientCpuMs = seen.cpuMs
    checkoutMs = Float64Array.from(seen.checkoutMs)
    payMs = Float64Array.from(seen.payMs)
  } else await Promise.all(Array.from({ length: options.concurrency ?? 32 }, buyer))
  const cpu = process.cpuUsage(cpu0)
  const elapsedMs = performance.now() - start
  await stopAlongside?.()

  const stockLeft = (await storage.getSku({ id: SKU }))!.stock!
  const paidOrders = await storage.listOrders({ status: 'paid', limit: options.buyers + 1 })
  const outboxRows = (await storage.listNotifications({ limit: options.buyers * 2 })).length
  await storage.close?.()
  return {
    attempts: options.buyers,
    paid: paidOrders.length,
    soldOut,
    oversold: Math.max(0, paidOrders.length - options.units),
    stockLeft,
    outboxRows,
    elapsedMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ...(clientCpuMs !== undefined ? { clientCpuMs } : {}),
    setupMs,
    checkoutMs: checkoutMs.sort(),
    payMs: payMs.subarray(0, paid).sort(),
  }
}
