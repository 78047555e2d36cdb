// The buyers of an HTTP flash sale, as their own OS process (started by `server.ts`): each checks
// out with `POST /checkout` and then delivers the sandbox's signed payment webhook, both over
// keep-alive sockets to the server. The webhook is signed here as the sandbox provider signs it
// (`t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">` under the shared secret).
import { createHmac, randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'

export interface ClientJob {
  port: number
  /** Path of the loop's routes on the server, e.g. `/loop`. */
  base: string
  customers: string[]
  skuId: string
  /** The sandbox's webhook signing secret. */
  secret: string
  concurrency: number
  connections: number
}

export interface ClientResult {
  paid: number
  soldOut: number
  checkoutMs: number[]
  payMs: number[]
  /** CPU time (user + system) of the client process while it ran the buyers, in ms. */
  cpuMs: number
}

// A small HTTP/1.1 client over keep-alive sockets for the flash sale's buyers: one request in flight
// per socket (no pipelining, as a browser or a proxy's pool sends them), the same request bytes
// Node's http client sends (`Host`, `Connection: keep-alive`, the caller's headers, the body in one
// write), and every answer read whole by its framing (`content-length`, chunked, or none for 204 and
// 304). It spares the load generator Node's ClientRequest/IncomingMessage machinery per request, so
// a 2-core machine spends its CPU on the server being measured rather than on the buyers.
interface Answer {
  status: number
  headers: Record<string, string>
  body: string
}

const CRLF = Buffer.from('\r\n')
const HEAD_END = Buffer.from('\r\n\r\n')

/** One keep-alive connection with at most one request in flight (the pool lends it to one buyer at a time). */
class Connection {
  readonly #socket: Socket
  readonly #host: string
  #buffer: Buffer = Buffer.alloc(0)
  #pending: { resolve: (a: Answer) => void; reject: (e: Error) => void } | null = null
  #closed: Error | null = null

  constructor(port: number) {
    this.#host = `127.0.0.1:${port}`
    this.#socket = connect({ host: '127.0.0.1', port, noDelay: true })
    this.#socket.on('data', (chunk: Buffer) => {
      this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk
      this.#parse()
    })
    const fail = (error: Error) => {
      this.#closed = error
      this.#pending?.reject(error)
      this.#pending = null
    }
    this.#socket.on('error', fail)
    this.#socket.on('close', () => fail(new Error('the server closed the connection')))
  }

  request(method: string, path: string, headers: Record<string, string>, body: string): Promise<Answer> {
    if (this.#closed) return Promise.reject(this.#closed)
    if (this.#pending) return Promise.reject(new Error('one request at a time per connection'))
    let head = `${method} ${path} HTTP/1.1\r\n`
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`
    head += `content-length: ${Buffer.byteLength(body)}\r\nHost: ${this.#host}\r\nConnection: keep-alive\r\n\r\n`
    return new Promise<Answer>((resolve, reject) => {
      this.#pending = { resolve, reject }
      this.#socket.write(head + body)
    })
  }

  close(): void {
    this.#socket.destroy()
  }

  /** Completes the pending answer once all of it is buffered; a partial one waits for more data. */
  #parse(): void {
    const headEnd = this.#buffer.indexOf(HEAD_END)
    if (headEnd < 0 || !this.#pending) return
    const lines = this.#buffer.toString('latin1', 0, headEnd).split('\r\n')
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0]!)?.[1])
    if (!status) {
      this.#fail(`a malformed status line: ${lines[0]}`)
      return
    }
    const headers: Record<string, string> = {}
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i]!.indexOf(':')
      const name = lines[i]!.slice(0, colon).trim().toLowerCase()
      const value = lines[i]!.slice(colon + 1).trim()
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value
    }
    const start = headEnd + HEAD_END.length
    if (status < 200) {
      // An interim answer (100 Continue): the real one follows.
      this.#buffer = this.#buffer.subarray(start)
      this.#parse()
      return
    }
    let body: Buffer
    let end: number
    if (status === 204 || status === 304) {
      body = Buffer.alloc(0)
      end = start
    } else if (headers['transfer-encoding']?.toLowerCase().endsWith('chunked')) {
      const chunks: Buffer[] = []
      let at = start
      for (;;) {
        const lineEnd = this.#buffer.indexOf(CRLF, at)
        if (lineEnd < 0) return
        const size = Number.parseInt(this.#buffer.toString('latin1', at, lineEnd), 16)
        if (Number.isNaN(size)) {
          this.#fail('a malformed chunk size')
          return
        }
        if (size === 0) {
          // No trailers from this server: the last chunk ends with an empty line.
          if (this.#buffer.length < lineEnd + 4) return
          end = lineEnd + 4
          break
        }
        if (this.#buffer.length < lineEnd + 2 + size + 2) return
        chunks.push(this.#buffer.subarray(lineEnd + 2, lineEnd + 2 + size))
        at = lineEnd + 2 + size + 2
      }
      body = Buffer.concat(chunks)
    } else if (headers['content-length'] !== undefined) {
      end = start + Number(headers['content-length'])
      if (this.#buffer.length < end) return
      body = this.#buffer.subarray(start, end)
    } else {
      this.#fail(`an answer (${status}) framed by closing the connection`)
      return
    }
    if (this.#buffer.length > end) {
      this.#fail('bytes after the answer, with no request pending')
      return
    }
    this.#buffer = Buffer.alloc(0)
    const { resolve } = this.#pending
    this.#pending = null
    resolve({ status, headers, body: body.toString('utf8') })
  }

  #fail(reason: string): void {
    const error = new Error(`[flash-sale client] the server sent ${reason}`)
    this.#closed = error
    this.#pending?.reject(error)
    this.#pending = null
    this.#socket.destroy()
  }
}

/** At most `size` connections, each lent to one request at a time; callers beyond that wait. */
class ConnectionPool {
  readonly #free: Connection[] = []
  readonly #all: Connection[] = []
  readonly #waiting: ((c: Connection) => void)[] = []

  constructor(port: number, size: number) {
    for (let i = 0; i < size; i++) {
      const c = new Connection(port)
      this.#all.push(c)
      this.#free.push(c)
    }
  }

  async request(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<Answer> {
    const connection = this.#free.pop() ?? (await new Promise<Connection>((r) => this.#waiting.push(r)))
    try {
      return await connection.request(method, path, headers, body)
    } finally {
      const next = this.#waiting.shift()
      if (next) next(connection)
      else this.#free.push(connection)
    }
  }

  close(): void {
    for (const c of this.#all) c.close()
  }
}

async function runBuyers(job: ClientJob): Promise<ClientResult> {
  const pool = new ConnectionPool(job.port, job.connections)
  const post = (path: string, body: string, headers: Record<string, string>) =>
    pool.request('POST', job.base + path, { 'content-type': 'application/json', ...headers }, body)
  const cpu0 = process.cpuUsage()
  const result: ClientResult = { paid: 0, soldOut: 0, checkoutMs: [], payMs: [], cpuMs: 0 }
  let next = 0
  const buyer = async () => {
    for (let i = next++; i < job.customers.length; i = next++) {
      const t0 = performance.now()
      const lines = [{ skuId: job.skuId, quantity: 1 }]
      const res = await post('/checkout', JSON.stringify({ lines, idempotencyKey: `flash-sale-${i}` }), {
        'x-buyer': job.customers[i]!,
      })
      const t1 = performance.now()
      result.checkoutMs.push(t1 - t0)
      if (res.status === 409 && res.body.includes('"out_of_stock"')) {
        result.soldOut++
        continue
      }
      if (res.status !== 201) throw new Error(`checkout answered ${res.status}: ${res.body}`)
      const { order } = JSON.parse(res.body) as { order: { number: string; total: number; currency: string } }
      const now = Date.now()
      const event = JSON.stringify({
        id: `evt_sbx_${randomBytes(12).toString('base64url')}`,
        type: 'payment.succeeded',
        data: {
          orderNumber: order.number,
          providerRef: `sbx_${i}`,
          amount: order.total,
          currency: order.currency,
          paidAt: now,
        },
      })
      const t = Math.floor(now / 1000)
      const v1 = createHmac('sha256', job.secret).update(`${t}.${event}`).digest('hex')
      const paid = await post('/webhooks/sandbox', event, {
        'loopkit-sandbox-signature': `t=${t},v1=${v1}`,
      })
      if (paid.status >= 300) throw new Error(`webhook answered ${paid.status}: ${paid.body}`)
      result.payMs.push(performance.now() - t1)
      result.paid++
    }
  }
  await Promise.all(Array.from({ length: job.concurrency }, buyer))
  pool.close()
  const cpu = process.cpuUsage(cpu0)
  result.cpuMs = (cpu.user + cpu.system) / 1000
  return result
}

process.send!('ready')
process.once('message', (job) => {
  runBuyers(job as ClientJob).then(
    (result) => process.send!(result, () => process.exit(0)),
    (error) => {
      console.error(error)
      process.exit(1)
    },
  )
})
