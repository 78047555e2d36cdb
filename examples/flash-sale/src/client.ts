// The buyers of an HTTP flash sale, as their own OS process (started by `server.ts`): each checks
// out with `POST /checkout` and then delivers the sandbox's signed payment webhook, both over
// keep-alive sockets to the server. The webhook is signed here as the sandbox provider signs it
// (`t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">` under the shared secret).
import { createHmac, randomBytes } from 'node:crypto'
import { Agent, request } from 'node:http'

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

function post(agent: Agent, job: ClientJob, path: string, body: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port: job.port,
        method: 'POST',
        path: job.base + path,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => {
          text += c
        })
        res.on('error', reject)
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

async function runBuyers(job: ClientJob): Promise<ClientResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.connections })
  const cpu0 = process.cpuUsage()
  const result: ClientResult = { paid: 0, soldOut: 0, checkoutMs: [], payMs: [], cpuMs: 0 }
  let next = 0
  const buyer = async () => {
    for (let i = next++; i < job.customers.length; i = next++) {
      const t0 = performance.now()
      const lines = [{ skuId: job.skuId, quantity: 1 }]
      const res = await post(
        agent,
        job,
        '/checkout',
        JSON.stringify({ lines, idempotencyKey: `flash-sale-${i}` }),
        {
          'x-buyer': job.customers[i]!,
        },
      )
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
      const paid = await post(agent, job, '/webhooks/sandbox', event, {
        'loopkit-sandbox-signature': `t=${t},v1=${v1}`,
      })
      if (paid.status >= 300) throw new Error(`webhook answered ${paid.status}: ${paid.body}`)
      result.payMs.push(performance.now() - t1)
      result.paid++
    }
  }
  await Promise.all(Array.from({ length: job.concurrency }, buyer))
  agent.destroy()
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
