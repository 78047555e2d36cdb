import { loopError } from '../errors.js'

/**
 * Where a redirect to `target` (a path on the site, e.g. a login's `returnTo`) really goes, resolved
 * against `base` with the WHATWG URL parser — the one browsers use — so dot segments, `%2e%2e`,
 * backslashes and doubled slashes are judged after the normalisation a browser applies, not before.
 * Returns `null` when the result leaves `base`'s origin.
 */
export function resolveOnOrigin(base: URL, target: string): URL | null {
  let url: URL
  try {
    url = new URL(target, base)
  } catch {
    return null
  }
  return url.origin === base.origin ? url : null
}

/**
 * A `Location` for `target` that stays on `base`'s origin, with `params` added. A normalised path
 * that starts with `//` (`/.//evil.example/x` becomes `//evil.example/x`) would be read by a browser
 * as another host, so such a target is sent as an absolute URL on the origin; every other one as the
 * path-absolute `/path?query#hash`. A target that leaves the origin falls back to `/`.
 */
export function safeLocation(base: URL, target: string, params: Record<string, string> = {}): string {
  const url = resolveOnOrigin(base, target) ?? new URL('/', base)
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
  const path = `${url.pathname}${url.search}${url.hash}`
  return /^\/[^/\\]|^\/$/.test(url.pathname) ? path : url.href
}

/**
 * `target` resolved against `base` when it is an http(s) URL, without credentials, on `base`'s
 * origin or on one of `allowed` (origins such as `https://pay.shop.example`) after WHATWG
 * normalisation; else null.
 */
export function allowedUrl(target: string, base: URL, allowed: ReadonlySet<string>): URL | null {
  let url: URL
  try {
    url = new URL(target, base)
  } catch {
    return null
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
  if (url.username || url.password) return null
  return url.origin === base.origin || allowed.has(url.origin) ? url : null
}

/**
 * A checkout's `returnUrl` as the absolute URL the payment provider will send the buyer to, when it
 * is on the loop's origin or on an origin of option `allowedRedirectOrigins`; anything else is
 * `invalid_input`, refused before the order is written. A path resolves against `baseUrl`.
 */
export function checkReturnUrl(
  rt: { baseUrl: URL; config: { allowedRedirectOrigins: ReadonlySet<string> } },
  returnUrl: string,
): string {
  const url = allowedUrl(returnUrl, rt.baseUrl, rt.config.allowedRedirectOrigins)
  if (!url) {
    throw loopError(
      'checkout',
      'invalid_input',
      '`returnUrl` must be on this site or on an origin of option `allowedRedirectOrigins`.',
      { issues: [{ path: ['returnUrl'], message: 'origin not allowed' }] },
    )
  }
  return url.href
}
