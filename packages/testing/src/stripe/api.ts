import { type StripeResult, stripeFailure } from './errors.js'
import { canonicalParams, parseStripeForm } from './form.js'
import type { createIdempotencyStore } from './idempotency.js'
import * as routes from './routes.js'

/** A merchant API request as the simulator saw it. */
export interface StripeRequestRecord {
  method: string
  path: string
  status: number
  idempotencyKey: string | null
  /** True when the answer was replayed for a repeated `Idempotency-Key`. */
  replayed: boolean
}

/** A fault injected with `failNext()`: the next matching request(s) get this Stripe error. */
export interface StripeFault {
  status: number
  type: string
  code?: string
  message: string
  path: string | RegExp | null
  times: number
}

function route(
  state: routes.StripeState,
  method: string,
  path: string,
  params: ReturnType<typeof parseStripeForm>,
): StripeResult | null {
  const seg = path.split('/').filter(Boolean).map(decodeURIComponent)
  if (seg[0] !== 'v1') return null
  const [, a, b, c, d] = seg
  if (a === 'checkout' && b === 'sessions') {
    if (method === 'POST' && !c) return routes.createSession(state, params)
    if (method === 'GET' && !c) return routes.listSessions(state, params)
    if (method === 'GET' && c && !d) return routes.getSession(state, c)
    if (method === 'POST' && c && d === 'expire') return routes.expireSession(state, c)
  }
  if (a === 'payment_intents') {
    if (method === 'POST' && !b) return routes.createIntent(state, params)
    if (method === 'GET' && b === 'search') return routes.searchIntents(state, String(params.query ?? ''))
    if (method === 'GET' && b && !c) return routes.getIntent(state, b, params)
    if (method === 'POST' && b && c === 'cancel') return routes.cancelIntent(state, b)
  }
  if (a === 'refunds') {
    if (method === 'POST' && !b) return routes.createRefund(state, params)
    if (method === 'GET' && !b) return routes.listRefunds(state, params)
    if (method === 'GET' && b && !c) return routes.getRefund(state, b)
  }
  return null
}

/**
 * The REST front of the simulator: checks `Authorization: Bearer <secret key>`, applies injected
 * faults, honours `Idempotency-Key` on POSTs, decodes form bodies, and answers in Stripe's shapes.
 */
export async function handleApi(input: {
  state: routes.StripeState
  secretKey: string
  idempotency: ReturnType<typeof createIdempotencyStore>
  faults: StripeFault[]
  requests: StripeRequestRecord[]
  req: Request
  body: Uint8Array
}): Promise<Response> {
  const { req } = input
  const url = new URL(req.url)
  const key = req.headers.get('idempotency-key')
  const record = (result: StripeResult & { replayed?: boolean }) => {
    input.requests.push({
      method: req.method,
      path: url.pathname,
      status: result.status,
      idempotencyKey: key,
      replayed: result.replayed ?? false,
    })
    return Response.json(result.json, {
      status: result.status,
      headers: {
        'Request-Id': `req_${Math.random().toString(36).slice(2, 16)}`,
        ...(result.replayed ? { 'Idempotent-Replayed': 'true' } : {}),
        ...(key ? { 'Idempotency-Key': key } : {}),
      },
    })
  }
  const auth = req.headers.get('authorization')
  if (!auth?.startsWith('Bearer '))
    return record(stripeFailure(401, 'invalid_request_error', 'You did not provide an API key.'))
  if (auth.slice(7) !== input.secretKey)
    return record(
      stripeFailure(
        401,
        'invalid_request_error',
        `Invalid API Key provided: ${auth.slice(7, 15)}****${auth.slice(-4)}`,
      ),
    )
  const fault = input.faults.find(
    (f) =>
      f.path === null ||
      (typeof f.path === 'string' ? url.pathname.startsWith(f.path) : f.path.test(url.pathname)),
  )
  if (fault) {
    if (--fault.times <= 0) input.faults.splice(input.faults.indexOf(fault), 1)
    return record(
      stripeFailure(fault.status, fault.type, fault.message, fault.code ? { code: fault.code } : {}),
    )
  }
  const text = req.method === 'GET' ? url.search.slice(1) : new TextDecoder().decode(input.body)
  const params = parseStripeForm(text)
  const run = async () =>
    route(input.state, req.method, url.pathname, params) ??
    stripeFailure(404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${url.pathname}).`)
  if (req.method !== 'POST') return record(await run())
  const fingerprint = `${req.method} ${url.pathname} ${canonicalParams(params)}`
  return record(await input.idempotency.run(key, fingerprint, run))
}
