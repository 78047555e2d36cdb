import { isLoopError, type LoopError, loopError } from '../errors.js'

/**
 * The string body of a response the loop made itself (`json()`, `errorResponse()`): the Node bridge
 * writes it as is, where a standard `Response` would be read back through a Web stream. Keyed with
 * `Symbol.for` so a second copy of the package (the `node` entry bundled apart) sees the same key.
 */
export const RESPONSE_TEXT: unique symbol = Symbol.for('loopkit.response.text')

/**
 * The loop's handler as its Node bridge calls it (`loop.fetch[SERVE]`): the same routes, but the
 * answers the loop made from a string stay as they are (`RESPONSE_TEXT`) for the bridge to write,
 * instead of becoming standard `Response`s it would read back through a stream.
 */
export const SERVE: unique symbol = Symbol.for('loopkit.serve')
const STANDARD = Symbol('standard')

/**
 * A `Response` the loop built from a string: status, headers and text, and the standard `Response`
 * made only when something reads more than those (then every other member is that one's). Making
 * and reading a standard one costs a Web stream each, several times the route's own JSON work. The
 * handler turns these into standard responses at its public edge (`loop.fetch`), so only the loop
 * itself and its Node bridge ever hold one.
 */
class TextResponse {
  readonly status: number
  readonly headers: Headers
  readonly [RESPONSE_TEXT]: string
  #standard: Response | undefined
  constructor(text: string, status: number, headers: Headers) {
    this[RESPONSE_TEXT] = text
    this.status = status
    this.headers = headers
  }
  get ok(): boolean {
    return this.status >= 200 && this.status < 300
  }
  [STANDARD](): Response {
    // Headers set on this one after the standard one exists are not seen by it: the loop sets
    // them before anything reads the body.
    this.#standard ??= new Response(this[RESPONSE_TEXT], { status: this.status, headers: this.headers })
    return this.#standard
  }
}
for (const name of ['body', 'bodyUsed', 'redirected', 'statusText', 'type', 'url'])
  Object.defineProperty(TextResponse.prototype, name, {
    get(this: TextResponse) {
      return this[STANDARD]()[name as 'body']
    },
  })
for (const name of ['arrayBuffer', 'blob', 'bytes', 'clone', 'formData', 'json', 'text'])
  Object.defineProperty(TextResponse.prototype, name, {
    value(this: TextResponse) {
      return this[STANDARD]()[name as 'text']()
    },
  })
// `instanceof Response` holds, and anything not defined above is Response's own.
Object.setPrototypeOf(TextResponse.prototype, Response.prototype)

/** The standard `Response` for one the loop made (a `TextResponse`), else `response` itself. */
export function standardResponse(response: Response): Response {
  return response instanceof TextResponse ? response[STANDARD]() : response
}

function textResponse(data: unknown, status: number, headers: Headers): Response {
  if (!headers.has('content-type')) headers.set('content-type', 'application/json')
  return new TextResponse(JSON.stringify(data), status, headers) as unknown as Response
}

/** A JSON error response with the `{ error: { code, message, issues? } }` body. */
export function errorResponse(error: LoopError): Response {
  const headers = new Headers({ 'cache-control': 'no-store' })
  if (error.retryAfterMs !== undefined)
    headers.set('retry-after', String(Math.ceil(error.retryAfterMs / 1000)))
  return textResponse(error.toJSON(), error.status, headers)
}

export function json(data: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers)
  headers.set('cache-control', 'no-store')
  return textResponse(data, init.status ?? 200, headers)
}

export function redirect(location: string, headers: HeadersInit = {}): Response {
  const h = new Headers(headers)
  h.set('location', location)
  h.set('cache-control', 'no-store')
  return new Response(null, { status: 302, headers: h })
}

/** Turns anything thrown into a response: LoopErrors keep their status; others become a 500 with no detail. */
export function toErrorResponse(error: unknown, report: (error: unknown) => void): Response {
  if (isLoopError(error)) {
    if (error.status >= 500) report(error)
    return errorResponse(error)
  }
  report(error)
  return errorResponse(loopError('http', 'internal', 'Internal error.'))
}
