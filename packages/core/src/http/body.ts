import { loopError } from '../errors.js'

/** Bodies of routes that do not declare a limit (adapter and plugin routes, webhooks): 64 KiB. */
export const DEFAULT_BODY_LIMIT = 64 * 1024

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

function tooLarge(scope: string, limit: number) {
  return loopError(scope, 'payload_too_large', `The body is larger than ${limit} bytes.`)
}

/**
 * The request with its body capped at `limit` bytes: a declared `content-length` over the limit is
 * refused before anything is read, and a body without one (chunked) is counted as it streams — the
 * read stops and fails with `payload_too_large` at the first byte past the limit, whoever reads it
 * (the loop, a payment adapter verifying a webhook, a plugin route).
 */
export function limitBody(request: Request, limit: number, scope: string): Request {
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
  return new Request(request, { body: request.body.pipeThrough(counter), duplex: 'half' } as RequestInit)
}

/**
 * Reads a JSON body: `application/json` (or `+json`) only, else 415; valid UTF-8 and JSON, else
 * `invalid_input`. The size limit is the route's, applied by {@link limitBody} before the handler.
 */
export async function readJson(request: Request, scope: string): Promise<unknown> {
  if (!isJsonMediaType(request.headers.get('content-type'))) {
    throw loopError(scope, 'invalid_input', 'Send the body as `application/json`.', { status: 415 })
  }
  const bytes = new Uint8Array(await request.arrayBuffer())
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (cause) {
    throw loopError(scope, 'invalid_input', 'The body is not valid UTF-8.', { cause })
  }
  try {
    return JSON.parse(text) as unknown
  } catch (cause) {
    throw loopError(scope, 'invalid_input', 'The body is not valid JSON.', { cause })
  }
}
