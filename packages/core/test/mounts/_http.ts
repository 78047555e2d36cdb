import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'

/** The port a listening server got (the tests listen on port 0). */
export function portOf(server: { address(): AddressInfo | string | null }): number {
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('server is not listening on TCP')
  return address.port
}

/**
 * A Web handler that sends each request over real HTTP to 127.0.0.1:`port`, with `host` as the
 * Host header (a proxy in front of the app may set any), and turns the reply back into a Response.
 * node:http rather than fetch: fetch neither lets a test set Host nor keeps redirects unfollowed
 * byte for byte.
 */
export function overHttp(port: number, host: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url)
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : null
    const headers: Record<string, string> = { host }
    request.headers.forEach((value, name) => {
      headers[name] = value
    })
    if (body) headers['content-length'] = String(body.length)
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, method: request.method, path: url.pathname + url.search, headers },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', reject)
          res.on('end', () => {
            const out = new Headers()
            for (const [name, value] of Object.entries(res.headers)) {
              for (const v of Array.isArray(value) ? value : [value ?? '']) out.append(name, v)
            }
            const status = res.statusCode ?? 500
            const empty = status === 204 || status === 304
            resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers: out }))
          })
        },
      )
      req.on('error', reject)
      req.end(body ?? undefined)
    })
  }
}
