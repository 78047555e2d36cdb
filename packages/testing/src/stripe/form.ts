/** A decoded Stripe request: nested objects and arrays of strings, as the bracket keys describe. */
export type FormValue = string | FormValue[] | { [key: string]: FormValue }
/** The top level of a decoded Stripe request. */
export type FormObject = { [key: string]: FormValue }

function toArrays(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value
  const keys = Object.keys(value)
  const out: FormObject = {}
  for (const k of keys) out[k] = toArrays(value[k]!)
  if (keys.length > 0 && keys.every((k, i) => k === String(i))) return keys.map((k) => out[k]!)
  return out
}

/**
 * Decodes Stripe's `application/x-www-form-urlencoded` bodies and query strings: `a[b][0][c]=v`
 * becomes `{ a: { b: [{ c: 'v' }] } }`; `expand[]=x` appends. Indexed keys `0..n` become arrays.
 *
 * @example
 * ```ts
 * parseStripeForm('metadata[order]=A1&expand[0]=latest_charge')
 * // { metadata: { order: 'A1' }, expand: ['latest_charge'] }
 * ```
 */
export function parseStripeForm(text: string): FormObject {
  const root: FormObject = {}
  for (const [key, value] of new URLSearchParams(text)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key)
    if (!m) continue
    const path = [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)]
    let node: FormObject = root
    for (let i = 0; i < path.length; i++) {
      let part = path[i]!
      const last = i === path.length - 1
      if (part === '') part = String(Object.keys(node).length)
      if (last) node[part] = value
      else {
        const next = node[part]
        if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {}
        node = node[part] as FormObject
      }
    }
  }
  return toArrays(root) as FormObject
}

/** A stable text form of decoded params, for comparing idempotent requests. */
export function canonicalParams(value: FormValue): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonicalParams).join(',')}]`
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalParams(value[k]!)}`)
    .join(',')}}`
}
