import type { Runtime } from '../loop/runtime.js'

// Enough to refuse garbage (an address is at most 45 characters of these); not a full IP parser.
const ADDRESS = /^[0-9A-Fa-f:.]{2,45}$/

/**
 * The client address of a request, or null when the loop cannot know it. `X-Forwarded-For` is read
 * only when the host says how many proxies append to it (`trustProxy`), and then from the right:
 * the leftmost entries are whatever the client sent.
 */
export function clientIp(rt: Runtime, request: Request): string | null {
  const custom = rt.options.clientIp
  if (custom) {
    const ip = custom(request)?.trim()
    return ip && ADDRESS.test(ip) ? ip : null
  }
  const trust = rt.options.trustProxy
  const hops = trust === true ? 1 : typeof trust === 'number' && trust >= 1 ? Math.floor(trust) : 0
  if (hops === 0) return null
  const list = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const ip = list[list.length - hops]
  return ip && ADDRESS.test(ip) ? ip : null
}
