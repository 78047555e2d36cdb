import { loopError } from '../errors.js'

/**
 * The most bytes of body each route reads, and why. A body past its limit is `413
 * payload_too_large`; reading stops at the first byte past it. docs/security.md has the table.
 */
export const BODY_LIMITS = {
  /** 50 lines of 128-character SKU ids and the other fields fit in 10 KiB. */
  checkout: 16 * 1024,
  /** A SKU id and a channel name. */
  shares: 4 * 1024,
  /** One share action: a token, a type and a channel (about 100 bytes). */
  events: 2 * 1024,
  /** A `wx.requestSubscribeMessage` answer: a few template ids and their result. */
  consents: 4 * 1024,
  /** A mini-program `wx.login` code (≤ 512) and a share token. */
  codeLogin: 4 * 1024,
  /** WeChat Pay, Alipay and Stripe notifications are a few KB. */
  webhooks: 64 * 1024,
  /** Routes of adapters and plugins (the sandbox's pages post small forms). */
  extensions: 64 * 1024,
} as const

/**
 * True for `application/json` and `application/<something>+json`, judged on the media type alone
 * (type/subtype before any `;`, trimmed, case-insensitive), with no charset or UTF-8. A substring
 * test would take `text/plain; charset=application/json`, which a cross-site form can send.
 */
export function isJsonMediaType(header: string | null): boolean {
  if (!header) return false
  const [essence, ...params] = header.split(';').map((p) => p.trim().toLowerCase())
  const m = /^([a-z0-9!#$&^_.+-]+)\/([a-z0-9!#$&^_.+-]+)$/.exec(essence ?? '')
  if (!m || m[1] !== 'application' || !(m[2] === 'json' || m[2]!.endsWith('+json'))) return false
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice(8)
    .replace(/^"|"$/g, '')
  return charset === undefined || charset === 'utf-8' || charset === 'utf8'
}

/**
 * How the Node bridge hands the loop a request whose body it has already read whole (a declared
 * length of a few KB): `request[REQUEST_BYTES]()` gives those bytes, once, or null when it has none
 * to give (no body, already read, or read as a stream); `request[STANDARD_REQUEST]()` is the
 * standard `Request` for code that needs a real one (`new Request(request, init)`). Reading the
 * bytes directly spares a Web stream per request. Keyed with `Symbol.for`, as `RESPONSE_TEXT`.
 */
export const REQUEST_BYTES: unique symbol = Symbol.for('loopkit.request.bytes')
export const STANDARD_REQUEST: unique symbol = Symbol.for('loopkit.request.standard')

interface BufferedRequest {
  [REQUEST_BYTES]?: () => Uint8Array | null
  [STANDARD_REQUEST]?: () => Request
}

function tooLarge(scope: string, limit: number) {
  return loopError(scope, 'payload_too_large', `The body is larger than ${limit} bytes.`)
}

/**
 * Reads at most `limit` bytes of the body: a declared `content-length` over the limit is refused
 * before anything is read, and a body without one (chunked) is counted as it streams — the read
 * stops, and the stream is cancelled, at the first chunk past the limit. Bytes, not characters.
 */
export async function readBody(request: Request, limit: number, scope: string): Promise<Uint8Array> {
  const declared = request.headers.get('content-length')
  if (declared !== null && Number(declared) > limit) throw tooLarge(scope, limit)
  const bytes = (request as BufferedRequest)[REQUEST_BYTES]?.()
  if (bytes) {
    if (bytes.byteLength > limit) throw tooLarge(scope, limit)
    return bytes
  }
  if (!request.body) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limit) {
      await reader.cancel().catch(() => {})
      throw tooLarge(scope, limit)
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(total)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.byteLength
  }
  return out
}

/**
 * The request with its body capped at `limit` bytes however it is read, for handlers the loop does
 * not own (adapter and plugin routes): past the limit the read fails with `payload_too_large`.
 */
export function limitBody(input: Request, limit: number, scope: string): Request {
  const request = (input as BufferedRequest)[STANDARD_REQUEST]?.() ?? input
  if (!request.body) return request
  const declared = request.headers.get('content-length')
  if (declared !== null && Number(declared) > limit) throw tooLarge(scope, limit)
  let seen = 0
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      seen += chunk.byteLength
      if (seen > limit) controller.error(tooLarge(scope, limit))
      else controller.enqueue(chunk)
    },
  })
  // `duplex` is required by Node for a streamed request body; the DOM typings do not know it yet.
  // The signal is passed on by name: a bridge may give the request one of its own (made lazily).
  return new Request(request, {
    body: request.body.pipeThrough(counter),
    duplex: 'half',
    signal: request.signal,
  } as RequestInit)
}

/**
 * Reads a JSON body of at most `limit` bytes: `application/json` (or `+json`) only, else 415; valid
 * UTF-8 and JSON, else `invalid_input`.
 */
export async function readJson(request: Request, scope: string, limit: number): Promise<unknown> {
  if (!isJsonMediaType(request.headers.get('content-type'))) {
    throw loopError(scope, 'invalid_input', 'Send the body as `application/json`.', { status: 415 })
  }
  const bytes = await readBody(request, limit, scope)
  let text: string
  try {
    text = decoder.decode(bytes)
  } catch (cause) {
    throw loopError(scope, 'invalid_input', 'The body is not valid UTF-8.', { cause })
  }
  try {
    return JSON.parse(text) as unknown
  } catch (cause) {
    throw loopError(scope, 'invalid_input', 'The body is not valid JSON.', { cause })
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true })
