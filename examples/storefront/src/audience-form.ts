import { type AudienceFilter, DAY_MS, type LoopIssue, loopError } from '@loopkit/core'

/** The filter builder's fields, as the form sends them (query string or form body). */
export const FILTER_FIELDS = [
  'tags',
  'followed',
  'provider',
  'minOrders',
  'maxOrders',
  'minSpent',
  'orderedWithin',
  'createdWithin',
  'interactedWithin',
] as const

export type FilterField = (typeof FILTER_FIELDS)[number]

/** The builder's fields as strings (what the form re-shows), trimmed; absent ones are `''`. */
export type FilterForm = Record<FilterField, string>

/** The fields of a form or query, trimmed and cut to a sane length (they are echoed back, escaped). */
export function filterForm(input: Record<string, unknown>): FilterForm {
  const out = {} as FilterForm
  for (const f of FILTER_FIELDS) {
    const v = input[f]
    out[f] = typeof v === 'string' ? v.trim().slice(0, 200) : ''
  }
  return out
}

const TAG = /^[^\s,]{1,64}$/
const MAX_TAGS = 8

/**
 * Turns the filter builder into the audience filter language (`AudienceFilter`): every field that is
 * set is one condition, and all of them must hold. "Created within N days" becomes `createdAfter`
 * the instant `now − N days` (the filter language has no relative form of it). Anything malformed is
 * an `invalid_input` `LoopError` naming each bad field, and nothing is counted or saved.
 *
 * @example
 * ```ts
 * audienceFromForm(filterForm({ followed: 'yes', tags: 'vip' }), Date.now())
 * // { all: [{ tag: 'vip' }, { followed: true }] }
 * ```
 */
export function audienceFromForm(form: FilterForm, now: number): AudienceFilter {
  const all: AudienceFilter[] = []
  const issues: LoopIssue[] = []
  const bad = (field: FilterField, message: string) => issues.push({ path: [field], message, code: 'custom' })
  const whole = (field: FilterField, max: number): number | null => {
    if (!form[field]) return null
    if (!/^\d{1,9}$/.test(form[field]) || Number(form[field]) > max) {
      bad(field, `must be a whole number from 0 to ${max}`)
      return null
    }
    return Number(form[field])
  }
  const days = (field: FilterField): number | null => {
    const n = whole(field, 36_500)
    if (n === 0) bad(field, 'must be at least 1 day')
    return n ? n : null
  }

  const tags = form.tags ? form.tags.split(/[\s,，]+/).filter(Boolean) : []
  if (tags.length > MAX_TAGS) bad('tags', `at most ${MAX_TAGS} tags`)
  for (const tag of tags.slice(0, MAX_TAGS)) {
    if (TAG.test(tag)) all.push({ tag })
    else bad('tags', 'a tag is 1–64 characters without spaces or commas')
  }
  if (form.followed === 'yes') all.push({ followed: true })
  else if (form.followed === 'no') all.push({ followed: false })
  else if (form.followed && form.followed !== 'any') bad('followed', 'must be any, yes or no')
  if (form.provider) {
    if (/^[a-z][a-z0-9-]{0,31}$/.test(form.provider)) all.push({ provider: form.provider })
    else bad('provider', 'must be an identity provider id such as wechat')
  }
  const minOrders = whole('minOrders', 1_000_000)
  const maxOrders = whole('maxOrders', 1_000_000)
  if (minOrders !== null && maxOrders !== null && minOrders > maxOrders)
    bad('maxOrders', 'must not be below the minimum')
  if (minOrders !== null || maxOrders !== null)
    all.push({
      orders: {
        ...(minOrders !== null ? { min: minOrders } : {}),
        ...(maxOrders !== null ? { max: maxOrders } : {}),
      },
    })
  if (form.minSpent) {
    // Yuan with at most two decimals, as people type it; fen from here on.
    const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(form.minSpent)
    if (m)
      all.push({ spent: { min: Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')), currency: 'CNY' } })
    else bad('minSpent', 'must be an amount in yuan such as 88 or 88.50')
  }
  const ordered = days('orderedWithin')
  if (ordered) all.push({ lastOrderWithinDays: ordered })
  const created = days('createdWithin')
  if (created) all.push({ createdAfter: Math.max(0, now - created * DAY_MS) })
  const interacted = days('interactedWithin')
  if (interacted) all.push({ interactedWithinDays: interacted })

  if (issues.length > 0) {
    const fields = [...new Set(issues.map((i) => i.path[0]))].join(', ')
    throw loopError('storefront', 'invalid_input', `The audience filter has bad fields: ${fields}.`, {
      issues,
    })
  }
  return { all }
}

/** Whether any field of the builder is set (an empty builder is the whole pool). */
export function formIsEmpty(form: FilterForm): boolean {
  return FILTER_FIELDS.every((f) => !form[f] || (f === 'followed' && form[f] === 'any'))
}
