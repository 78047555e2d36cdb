import { isLoopError, type LoopError, loopError } from '../errors.js'

/** A JSON error response with the `{ error: { code, message, issues? } }` body. */
export function errorResponse(error: LoopError): Response {
  const headers: Record<string, string> = { 'cache-control': 'no-store' }
  if (error.retryAfterMs !== undefined) headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000))
  return Response.json(error.toJSON(), { status: error.status, headers })
}

export function json(data: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers)
  headers.set('cache-control', 'no-store')
  return Response.json(data, { ...init, headers })
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
