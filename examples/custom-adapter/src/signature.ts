import { createHmac, timingSafeEqual } from 'node:crypto'

/** The request header carrying the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
export const SIGNATURE_HEADER = 'loopkit-webhook-signature'

/**
 * Signs a request body for {@link SIGNATURE_HEADER}. The timestamp is part of the signed bytes, so a
 * captured request cannot be replayed later with a fresh timestamp.
 *
 * @example
 * ```ts
 * signBody({ body: '{"id":"order.paid:ord_1:webhook"}', secret, at: Date.now() })
 * // "t=1795593600,v1=5c0f…"
 * ```
 */
export function signBody(input: { body: string | Uint8Array; secret: string; at: number }): string {
  const t = Math.floor(input.at / 1000)
  const mac = createHmac('sha256', input.secret).update(`${t}.`).update(input.body).digest('hex')
  return `t=${t},v1=${mac}`
}

/**
 * For the receiving side: true when `header` is a valid signature of the exact `body` bytes under
 * `secret`, made within `toleranceSeconds` of `now`. Compares in constant time.
 *
 * @example
 * ```ts
 * // In the receiver, before parsing anything:
 * const body = new Uint8Array(await request.arrayBuffer())
 * if (!verifyBody({ body, header: request.headers.get(SIGNATURE_HEADER), secret, now: Date.now() })) {
 *   return new Response('bad signature', { status: 401 })
 * }
 * ```
 */
export function verifyBody(input: {
  body: string | Uint8Array
  header: string | null
  secret: string
  now: number
  toleranceSeconds?: number
}): boolean {
  const m = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(input.header ?? '')
  if (!m) return false
  const t = Number(m[1])
  if (Math.abs(Math.floor(input.now / 1000) - t) > (input.toleranceSeconds ?? 300)) return false
  const expected = signBody({ body: input.body, secret: input.secret, at: t * 1000 }).slice(-64)
  return timingSafeEqual(Buffer.from(m[2]!), Buffer.from(expected))
}
