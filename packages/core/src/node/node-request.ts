import { REQUEST_BYTES, STANDARD_REQUEST } from './keys.js'
import type { NodeRequestLike } from './types.js'

const decoder = new TextDecoder()

/**
 * A `Request` read straight from a Node request whose body the bridge already holds whole (or that
 * has none), for the loop's own handler only. A standard `Request` costs a Web stream for its body,
 * an abort signal and a copy of every header before the loop reads a byte; this one answers
 * `method`, `url`, `headers` (a standard `Headers`, made on first use), `signal` and the body methods
 * from what Node already parsed, and hands the loop's body reader the bytes themselves
 * (`REQUEST_BYTES`). Anything else (`body` as a stream, `clone()`, `formData()`, `mode`, …) is the
 * standard `Request` built from the same parts on first use, and from then on the body is its.
 *
 * It is `instanceof Request`, but it is not one to undici: `fetch(request)` and `new Request(request)`
 * need `request.clone()` (a standard `Request`) — which the loop does itself for adapter and plugin
 * routes.
 */
export class NodeRequest {
  readonly method: string
  readonly url: string
  #node: NodeRequestLike
  /** The whole body, or null when the request has none. */
  #bytes: Uint8Array | null
  #signal: () => AbortSignal
  #headers: Headers | undefined
  #standard: Request | undefined
  #used = false

  constructor(input: {
    node: NodeRequestLike
    method: string
    url: string
    bytes: Uint8Array | null
    signal: () => AbortSignal
  }) {
    this.#node = input.node
    this.method = input.method
    this.url = input.url
    this.#bytes = input.bytes
    this.#signal = input.signal
  }

  get headers(): Headers {
    this.#headers ??= headersOf(this.#node)
    return this.#headers
  }

  get signal(): AbortSignal {
    return this.#signal()
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.#bytes === null ? null : this[STANDARD_REQUEST]().body
  }

  get bodyUsed(): boolean {
    return this.#standard ? this.#standard.bodyUsed : this.#used
  }

  /** The body's bytes for the loop's reader, once; null once read or when a stream was handed out. */
  [REQUEST_BYTES](): Uint8Array | null {
    if (this.#standard || this.#used || this.#bytes === null) return null
    this.#used = true
    return this.#bytes
  }

  [STANDARD_REQUEST](): Request {
    if (!this.#standard) {
      const init: RequestInit = { method: this.method, headers: this.headers, signal: this.signal }
      if (this.#bytes !== null) init.body = this.#bytes as Uint8Array<ArrayBuffer>
      this.#standard = new Request(this.url, init)
      // Read already (through REQUEST_BYTES): the standard one must refuse a second read too.
      if (this.#used) void this.#standard.body?.getReader().read()
    }
    return this.#standard
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    const bytes = this[REQUEST_BYTES]()
    return bytes ? new Uint8Array(bytes) : this[STANDARD_REQUEST]().bytes()
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.bytes()).buffer
  }

  async text(): Promise<string> {
    const bytes = this[REQUEST_BYTES]()
    return bytes ? decoder.decode(bytes) : this[STANDARD_REQUEST]().text()
  }

  async json(): Promise<unknown> {
    const bytes = this[REQUEST_BYTES]()
    return bytes ? JSON.parse(decoder.decode(bytes)) : this[STANDARD_REQUEST]().json()
  }
}

for (const name of [
  'blob',
  'clone',
  'formData',
  'cache',
  'credentials',
  'destination',
  'duplex',
  'integrity',
  'isHistoryNavigation',
  'isReloadNavigation',
  'keepalive',
  'mode',
  'redirect',
  'referrer',
  'referrerPolicy',
] as const) {
  const method = typeof Object.getOwnPropertyDescriptor(Request.prototype, name)?.value === 'function'
  Object.defineProperty(
    NodeRequest.prototype,
    name,
    method
      ? {
          value(this: NodeRequest) {
            return (this[STANDARD_REQUEST]() as unknown as Record<string, () => unknown>)[name]!()
          },
        }
      : {
          get(this: NodeRequest) {
            return (this[STANDARD_REQUEST]() as unknown as Record<string, unknown>)[name]
          },
        },
  )
}
// `instanceof Request` holds, and `Symbol.toStringTag` is Request's.
Object.setPrototypeOf(NodeRequest.prototype, Request.prototype)

/**
 * The request's headers as Node parsed them (names lower-cased, repeats joined as Node joins them),
 * without HTTP/2 pseudo-headers.
 */
export function headerPairs(req: NodeRequestLike): [string, string][] {
  const headers: [string, string][] = []
  for (const name in req.headers) {
    const value = req.headers[name]
    if (value === undefined || name.startsWith(':')) continue
    if (typeof value === 'string') headers.push([name, value])
    else for (const v of value) headers.push([name, v])
  }
  return headers
}

function headersOf(req: NodeRequestLike): Headers {
  return new Headers(headerPairs(req))
}
