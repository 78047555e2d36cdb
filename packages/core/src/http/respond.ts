import { isLoopError, type LoopError, loopError } from '../errors.js'

/** A JSON error response with the `{ error: { code, message, issues? } }` body. */
export function errorResponse(error: LoopError): Response {
  return Response.json(error.toJSON(), { status: error.status, headers: { 'cache-control': 'no-store' } })
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

/** Reads a JSON body; anything else is `invalid_input`. Bodies over 64 KiB are refused. */
export async function readJson(request: Request, scope: string): Promise<unknown> {
  const type = request.headers.get('content-type') ?? ''
  if (!type.includes('application/json')) {
    throw loopError(scope, 'invalid_input', 'Send the body as `application/json`.', { status: 415 })
  }
  // Refuse a declared oversize body before reading it.
  if (Number(request.headers.get('content-length') ?? 0) > 65_536) {
    throw loopError(scope, 'invalid_input', 'The body is too large.', { status: 413 })
  }
  const text = await request.text()
  if (text.length > 65_536) throw loopError(scope, 'invalid_input', 'The body is too large.', { status: 413 })
  try {
    return JSON.parse(text) as unknown
  } catch (cause) {
    throw loopError(scope, 'invalid_input', 'The body is not valid JSON.', { cause })
  }
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
