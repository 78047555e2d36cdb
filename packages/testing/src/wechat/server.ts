import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What a handler gets besides the Web `Request`. */
export interface SimulatorContext {
  /** The request-target exactly as received (path + query), the bytes a WeChat signature covers. */
  rawUrl: string
  /** The raw request body. */
  body: Uint8Array
  /** The simulator's base URL, `http://127.0.0.1:<port>`. */
  baseUrl: string
}

/**
 * One part of a simulator: answers the requests it owns and returns `null` for the others, so parts
 * compose as a plain array (first non-null answer wins).
 */
export type SimulatorHandler = (req: Request, ctx: SimulatorContext) => Promise<Response | null>

/** A running loopback HTTP server. */
export interface SimulatorServer {
  url: string
  close(): Promise<void>
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return new Uint8Array(Buffer.concat(chunks))
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, key) => {
    headers[key] = value
  })
  // Headers.forEach yields each Set-Cookie on its own: keep them all, not only the last one.
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  const body = Buffer.from(await response.arrayBuffer())
  if (body.length > 0 || response.status !== 204) headers['content-length'] = String(body.length)
  res.writeHead(response.status, headers)
  res.end(body)
}

/**
 * Starts `node:http` on 127.0.0.1 with an OS-chosen port and dispatches every request to `handlers`
 * in order; `404 {"code":"NOT_FOUND"}` when none answers, `500` when one throws.
 *
 * @example
 * ```ts
 * const server = await startSimulatorServer({ handlers: [async (req) => new URL(req.url).pathname === '/ping' ? new Response('pong') : null] })
 * await fetch(`${server.url}/ping`)
 * await server.close()
 * ```
 */
export async function startSimulatorServer(options: {
  handlers: readonly SimulatorHandler[]
}): Promise<SimulatorServer> {
  let baseUrl = ''
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readBody(req)
        const rawUrl = req.url ?? '/'
        const headers = new Headers()
        for (const [k, v] of Object.entries(req.headers)) {
          if (typeof v === 'string') headers.set(k, v)
          else if (Array.isArray(v)) for (const item of v) headers.append(k, item)
        }
        const method = req.method ?? 'GET'
        const request = new Request(`${baseUrl}${rawUrl}`, {
          method,
          headers,
          ...(method === 'GET' || method === 'HEAD' ? {} : { body: body as unknown as BodyInit }),
        })
        const ctx: SimulatorContext = { rawUrl, body, baseUrl }
        for (const handler of options.handlers) {
          const response = await handler(request, ctx)
          if (response) return await send(res, response)
        }
        await send(
          res,
          Response.json(
            { code: 'NOT_FOUND', message: `No simulator route for ${method} ${rawUrl}` },
            { status: 404 },
          ),
        )
      } catch (e) {
        await send(
          res,
          Response.json(
            { code: 'SYSTEM_ERROR', message: `Simulator error: ${(e as Error).message}` },
            { status: 500 },
          ),
        )
      }
    })()
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: baseUrl,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
