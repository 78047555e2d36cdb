import { utf8 } from '../_internal/bytes.js'
import { loopError } from '../errors.js'
import { headerPairs } from './node-headers.js'
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
  return toWebRequest(req, options, null)
}

/**
 * The request as `fromNodeRequest` builds it, with `body` (already read) in place of the stream
 * when given. Headers go to the `Request` as name/value pairs: it copies them into its own
 * `Headers` once, where an intermediate `Headers` would be filled and then copied again.
 */
export function toWebRequest(
  req: NodeRequestLike,
  options: NodeBridgeOptions,
  body: Uint8Array | null,
): Request {
  const method = methodOf(req)
  const url = urlOf(req, originOf(req, options))
  const init: RequestInit & { duplex?: 'half' } = { method, headers: headerPairs(req.headers) }
  if (options.signal) init.signal = options.signal
  if (method !== 'GET' && method !== 'HEAD') {
    if (body) init.body = body as Uint8Array<ArrayBuffer>
    else {
      init.body = (req.readableEnded ? consumedBody(req) : streamOf(req)) as BodyInit
      init.duplex = 'half' // required by Node's fetch for a streamed body
    }
  }
  return new Request(url, init)
}

/**
 * Bodies that declare a `content-length` of at most this many bytes are read into one buffer
 * before the loop sees the request (checkouts and payment callbacks are a few KB): one copy instead
 * of a Web stream pulled chunk by chunk. Node's parser stops a body at its declared length, so no
 * more than this is ever read ahead; larger or chunked bodies stay streamed, and the loop's routes
 * refuse them at their own limits before reading.
 */
export const EAGER_BODY_LIMIT = 16 * 1024

/**
 * True when the body is small and declared, and the request has Node's stream events (every Node,
 * Express and Fastify request does): then `readSmallBody` reads it whole, else it is streamed.
 */
export function hasSmallBody(req: NodeRequestLike): boolean {
  const method = req.method
  if (method === 'GET' || method === 'HEAD' || req.readableEnded || !req.on) return false
  const declared = req.headers['content-length']
  if (typeof declared !== 'string') return false
  const length = Number(declared)
  return Number.isSafeInteger(length) && length >= 0 && length <= EAGER_BODY_LIMIT
}

/**
 * The whole body when `hasSmallBody`, else `null` (then it is streamed). Read through the stream's
 * events: an async iterator over a Node stream costs several promises per request, where a body of
 * a few KB is one `data` event.
 */
export async function readSmallBody(req: NodeRequestLike): Promise<Uint8Array | null> {
  if (!hasSmallBody(req)) return null
  const chunks: Uint8Array[] = []
  let total = 0
  await new Promise<void>((resolve, reject) => {
    let ended = false
    req.on!('data', (chunk) => {
      const bytes = typeof chunk === 'string' ? utf8(chunk) : chunk
      chunks.push(bytes)
      total += bytes.byteLength
    })
    req.on!('end', () => {
      ended = true
      resolve()
    })
    req.on!('error', reject)
    // A client that goes away mid-body ends the stream without `end`.
    req.on!('close', () => {
      if (!ended) reject(new Error('The client closed the request before its body ended.'))
    })
  })
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(total)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.byteLength
  }
  return out
}

/** The request's method, upper-cased as `Request` normalises it. */
export function methodOf(req: NodeRequestLike): string {
  return (req.method ?? 'GET').toUpperCase()
}

/** The request's URL on `origin`: Express's `originalUrl` when mounted under a prefix. */
export function urlOf(req: NodeRequestLike, origin: string): URL {
  return new URL(req.originalUrl ?? req.url ?? '/', origin)
}

/** The public origin: `options.origin` when given, else the `Host` header on the socket's scheme. */
export function originOf(req: NodeRequestLike, options: NodeBridgeOptions): string {
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
