import { invalidParam, type StripeResult } from './errors.js'
import type { FormObject, FormValue } from './form.js'
import type { StripeObject } from './objects.js'

/** What the REST routes work on. */
export interface StripeState {
  now: () => number
  baseUrl: () => string
  sessions: Map<string, StripeObject>
  intents: Map<string, StripeObject>
  charges: Map<string, StripeObject>
  refunds: Map<string, StripeObject>
  /** Snapshots events made by an API call (refunds) now and queues them for delivery. */
  emit: (events: { type: string; object: StripeObject }[]) => void
  /** Called for a refund left `pending`, to settle it later. */
  onPendingRefund: (refund: StripeObject) => void
}

export const METHODS = new Set(['card', 'alipay', 'wechat_pay'])
export const ok = (json: unknown): StripeResult => ({ status: 200, json })
export const copy = (o: StripeObject) => structuredClone(o)

export function str(v: FormValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined
}

export function int(params: FormObject, name: string, required: boolean): number | StripeResult | undefined {
  const v = str(params[name])
  if (v === undefined)
    return required ? invalidParam(name, `Missing required param: ${name}.`, 'parameter_missing') : undefined
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)))
    return invalidParam(name, `Invalid integer: ${v}`, 'parameter_invalid_integer')
  return Number(v)
}

export function metadata(v: FormValue | undefined): Record<string, string> | StripeResult {
  if (v === undefined) return {}
  if (typeof v !== 'object' || Array.isArray(v))
    return invalidParam('metadata', 'Invalid metadata: must be a hash.')
  const out: Record<string, string> = {}
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string' || k.length > 40 || x.length > 500)
      return invalidParam(`metadata[${k}]`, 'Metadata keys ≤ 40 and values ≤ 500 characters, strings only.')
    out[k] = x
  }
  return out
}

export function methods(params: FormObject): string[] | StripeResult {
  const raw = params.allowed_payment_method_types ?? params.payment_method_types
  if (raw === undefined) return ['card']
  if (!Array.isArray(raw) || raw.some((m) => typeof m !== 'string' || !METHODS.has(m)))
    return invalidParam('allowed_payment_method_types', 'The simulator supports card, alipay and wechat_pay.')
  return raw as string[]
}

export function currency(v: FormValue | undefined, param: string): string | StripeResult {
  const c = str(v)
  if (!c || !/^[a-z]{3}$/.test(c)) return invalidParam(param, `Invalid currency: ${c ?? '(none)'}.`)
  return c
}

export const isResult = (v: unknown): v is StripeResult =>
  typeof v === 'object' && v !== null && 'status' in v && 'json' in v && !('object' in v)
