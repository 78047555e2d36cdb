import { loopError } from '../errors.js'
import type { Runtime } from '../loop/runtime.js'
import type { RateLimitedRoute } from '../security/rate-limit/limits.js'
import { clientIp } from './client-ip.js'
import { visitorKey } from './session.js'

/** The shared bucket of requests with no customer, address or visitor holds this many times the rule. */
export const ANONYMOUS_FACTOR = 30

/**
 * Whose bucket a request draws from: the customer when logged in, else the browser's visitor
 * cookie (many real buyers share one address behind a carrier NAT), else the client address when
 * the host told the loop how to know it, else one bucket shared by every request that carries none
 * of these, `ANONYMOUS_FACTOR` times larger. A client dropping its cookies thus never gets a fresh
 * bucket: it draws from its address's, or from the shared one (configure `trustProxy` or
 * `clientIp` so such clients are told apart).
 */
function subject(rt: Runtime, request: Request, customerId: string | null): { key: string; factor: number } {
  if (customerId) return { key: `c:${customerId}`, factor: 1 }
  const visitor = visitorKey(rt, request)
  if (visitor.setCookie === null) return { key: `v:${visitor.key}`, factor: 1 }
  const ip = clientIp(rt, request)
  if (ip) return { key: `ip:${ip}`, factor: 1 }
  return { key: 'anonymous', factor: ANONYMOUS_FACTOR }
}

/**
 * Takes a token for `route`, or throws `rate_limited` (429, with `retry-after`). Call it before the
 * body is read and before anything is written.
 */
export async function enforceRateLimit(
  rt: Runtime,
  input: { route: RateLimitedRoute; request: Request; customerId: string | null },
): Promise<void> {
  const rule = rt.limits?.rules[input.route]
  if (!rule) return
  const { key, factor } = subject(rt, input.request, input.customerId)
  const result = await rt.limits!.store.take({
    key: `rl:${input.route}:${key}`,
    capacity: rule.capacity * factor,
    refillPerSecond: rule.refillPerSecond * factor,
    cost: 1,
    now: rt.now(),
  })
  if (result.allowed) return
  throw loopError(input.route, 'rate_limited', 'Too many requests; try again later.', {
    retryAfterMs: result.retryAfterMs,
  })
}
