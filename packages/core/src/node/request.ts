import { utf8 } from '../_internal/bytes.js'
import { loopError } from '../errors.js'
import type { NodeBridgeOptions, NodeRequestLike } from './types.js'

/**
 * A Web `Request` for a Node request: the same method, headers and path, and the body streamed
 * unread, so the loop can refuse an oversize body and verify a callback on its raw bytes.
 *
 * The URL's origin is `options.origin` when given (pass the loop's `baseUrl`), else the `Host`
 * header. Mount the loop before any body parser; if one already read the stream, its raw bytes are
 * used when it kept them (`express.raw()`, `req.rawBody`), otherwise this throws a `configuration`
 * error rather than hand the loop a re-serialised body whose signature cannot verify.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { fromNodeRequest } from '@loopkit/core/node'
 *
 * createServer(async (req, res) => {
 *   const response = await loop.fetch(fromNodeRequest(req, { origin: 'https://shop.example' }))
 *   res.writeHead(response.status).end(await response.text())
 * })
 * ```
 */
export function fromNodeRequest(req: NodeRequestLike, options: NodeBridgeOptions = {}): Request {
  const method = (req.method ?? 'GET').toUpperCase()
  const url = new URL(req.originalUrl ?? req.url ?? '/', originOf(req, options))
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue // HTTP/2 pseudo-headers
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
  }
  const init: RequestInit & { duplex?: 'half' } = { method, headers }
  if (options.signal) init.signal = options.signal
  if (method !== 'GET' && method !== 'HEAD') {
    init.body = (req.readableEnded ? consumedBody(req) : streamOf(req)) as BodyInit
    init.duplex = 'half' // required by Node's fetch for a streamed body
  }
  return new Request(url, init)
}

function originOf(req: NodeRequestLike, options: NodeBridgeOptions): string {
  if (options.origin) return new URL(options.origin).origin
  const host = req.headers.host
  const tls = req.socket && 'encrypted' in req.socket && req.socket.encrypted === true
  const scheme = tls ? 'https' : 'http'
  return `${scheme}://${typeof host === 'string' && host ? host : 'localhost'}`
}

function streamOf(req: NodeRequestLike): ReadableStream<Uint8Array> {
  const chunks = req[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await chunks.next()
      if (done) controller.close()
      else controller.enqueue(typeof value === 'string' ? utf8(value) : new Uint8Array(value))
    },
    async cancel() {
      await chunks.return?.()
    },
  })
}

function consumedBody(req: NodeRequestLike): Uint8Array {
  for (const kept of [req.rawBody, req.body]) {
    if (kept instanceof Uint8Array) return kept
    if (typeof kept === 'string') return utf8(kept)
  }
  throw loopError(
    'node',
    'configuration',
    'The request body was already read by a body parser. Mount the loop before express.json() / express.urlencoded(), or in Fastify remove the content-type parsers for its routes.',
  )
}
