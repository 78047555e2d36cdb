// Structural types for Node's request and response, so `@loopkit/core/node` type-checks without
// `@types/node` in the consumer's project and accepts Express's and Fastify's wrappers unchanged.

/** What the bridge reads from a Node `IncomingMessage` (Express's and Fastify's `req.raw` are ones). */
export interface NodeRequestLike extends AsyncIterable<Uint8Array | string> {
  method?: string | undefined
  url?: string | undefined
  /** Express keeps the full path here when the handler is mounted under a prefix (`app.use('/loop', …)`). */
  originalUrl?: string | undefined
  headers: Record<string, string | string[] | undefined>
  /** True once a body parser has read the stream. */
  readableEnded?: boolean
  /** The bytes a raw-body parser kept (fastify-raw-body and similar), used when the stream was read. */
  rawBody?: unknown
  /** What `express.raw()` / `express.text()` left, used when the stream was read. */
  body?: unknown
  /** A TLS socket has `encrypted: true` (typed loosely: Node's `Socket` shares no declared property). */
  socket?: object | null
  /** Node's stream events: a small body is read through them when present (else by iterating). */
  on?(event: 'data' | 'end' | 'error' | 'close', listener: (chunk: Uint8Array | string) => void): unknown
}

/** What the bridge writes to a Node `ServerResponse`. */
export interface NodeResponseLike {
  readonly headersSent: boolean
  readonly writableEnded: boolean
  writeHead(statusCode: number, headers: Record<string, string | string[]>): unknown
  write(chunk: Uint8Array): boolean
  end(chunk?: Uint8Array | string): unknown
  once(event: 'drain' | 'close', listener: () => void): unknown
  destroy(error?: Error): unknown
}

/** Where the Web `Request`'s URL comes from; see {@link fromNodeRequest}. */
export interface NodeBridgeOptions {
  /**
   * The public origin (or any URL on it, such as the loop's `baseUrl`). Default: the `Host` header,
   * which a proxy may rewrite; pass the `baseUrl` so the loop sees the URL the browser used.
   */
  origin?: string
  /** Set on the Web request's `signal` when the client goes away before the response ends. */
  signal?: AbortSignal
}

/** A Web-standard handler such as `loop.fetch`. */
export type WebHandler = (request: Request) => Promise<Response> | Response
