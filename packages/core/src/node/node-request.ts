import { standIn } from './delegate.js'
import { REQUEST_BYTES, STANDARD_REQUEST } from './keys.js'
import { NodeHeaders } from './node-headers.js'
import type { NodeRequestLike } from './types.js'

/**
 * A `Request` read straight from a Node request whose body the bridge already holds whole (or that
 * has none), for the loop's own handler only. A standard `Request` costs a Web stream for its body,
 * an abort signal and a validated copy of every header before the loop reads a byte; this one
 * answers `method`, `url`, `headers` (`NodeHeaders`) and `signal` from what Node already parsed, and
 * hands the loop's body reader the bytes themselves (`REQUEST_BYTES`). Anything else (`text()`,
 * `body` as a stream, `clone()`, `mode`, …) is the standard `Request` built from the same parts on
 * first use; from then on the body is its.
 *
 * It is `instanceof Request`, but undici cannot read its internals: `fetch(request)` and
 * `new Request(request)` need `request.clone()` (a standard `Request`) — which the loop does itself
 * for adapter and plugin routes (`limitBody`).
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
    this.#headers ??= new NodeHeaders(this.#node.headers) as unknown as Headers
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
}

// `text()`, `json()`, `clone()`, `mode`, …: the standard `Request`'s own (the loop reads REQUEST_BYTES).
standIn(NodeRequest.prototype, Request.prototype, STANDARD_REQUEST)
