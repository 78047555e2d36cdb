import type { SimState } from './state.js'

/** WeChat answers errors with HTTP 200 and an errcode body; the `rid` mimics its request id. */
export function fail(errcode: number, errmsg: string): Response {
  const rid = Math.random().toString(16).slice(2, 10)
  return Response.json({ errcode, errmsg: `${errmsg} rid: ${rid}` })
}

export const ok = (body: Record<string, unknown>) => Response.json(body)

/** A queued fault for this path (set with `failNext`), if any. */
export function takeFault(state: SimState, path: string): Response | null {
  const queue = state.faults.get(path)
  const fault = queue?.shift()
  if (!fault) return null
  if ('status' in fault) return new Response('simulated failure', { status: fault.status })
  return fail(fault.errcode, fault.errmsg)
}

export async function jsonBody(request: Request): Promise<Record<string, unknown> | null> {
  try {
    const body: unknown = await request.json()
    return typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}
