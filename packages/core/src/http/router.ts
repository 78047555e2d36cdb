/** A tiny method + path matcher: `/orders/:id` segments become `params.id`. */
export interface Route<C> {
  method: string
  path: string
  handler(input: C & { request: Request; params: Record<string, string> }): Promise<Response>
}

export function matchRoute<C>(
  routes: readonly Route<C>[],
  method: string,
  path: string,
): { route: Route<C>; params: Record<string, string> } | { allowed: string[] } | null {
  const parts = path.split('/').filter(Boolean)
  const allowed: string[] = []
  for (const route of routes) {
    const pattern = segmentsOf(route.path)
    if (pattern.length !== parts.length) continue
    const params: Record<string, string> = {}
    let ok = true
    for (let i = 0; i < pattern.length; i++) {
      const p = pattern[i]!
      const v = parts[i]!
      if (p.startsWith(':')) {
        try {
          params[p.slice(1)] = decodeURIComponent(v)
        } catch {
          ok = false
          break
        }
      } else if (p !== v) {
        ok = false
        break
      }
    }
    if (!ok) continue
    if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { route, params }
    allowed.push(route.method)
  }
  return allowed.length ? { allowed } : null
}

// Route patterns are few and fixed: split each once, not on every request for every route.
const segments = new Map<string, string[]>()
function segmentsOf(path: string): string[] {
  let s = segments.get(path)
  if (!s) {
    s = path.split('/').filter(Boolean)
    segments.set(path, s)
  }
  return s
}
