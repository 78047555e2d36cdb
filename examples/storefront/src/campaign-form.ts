import { type CreateCampaignInput, type LoopIssue, loopError } from '@loopkit/core'

/** Fields of the "new campaign" form. */
export interface CampaignForm {
  name: string
  audience: string
  title: string
  body: string
  url: string
  /** Channel ids in order: the first that reaches a member carries the message, the rest fall back. */
  channels: string[]
}

const text = (v: unknown, max: number) => (typeof v === 'string' ? v.trim().slice(0, max + 1) : '')
const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => text(x, 64))

/** The form's fields as strings (re-shown, escaped, when the form is refused). */
export function campaignForm(input: Record<string, unknown>): CampaignForm {
  return {
    name: text(input.name, 200),
    audience: text(input.audience, 128),
    title: text(input.title, 200),
    body: text(input.body, 2000),
    url: text(input.url, 2000),
    channels: list(input.channel).filter(Boolean),
  }
}

/**
 * The `loop.campaigns.create` input for a form. The link must stay on the shop: a path (`/products/…`)
 * or an absolute URL on the shop's own origin, so a campaign (and the signed campaign link that wraps
 * it) can never send a customer to another site. Channels must be the shop's own, each once.
 * Otherwise `invalid_input`, naming the fields, and nothing is created.
 *
 * @example
 * ```ts
 * createInput(campaignForm(form), { origin: 'https://duck.example', channels: ['wechat'] })
 * ```
 */
export function createInput(
  form: CampaignForm,
  shop: { origin: string; channels: readonly string[] },
): CreateCampaignInput {
  const issues: LoopIssue[] = []
  const bad = (field: string, message: string) => issues.push({ path: [field], message, code: 'custom' })
  if (!form.audience) bad('audience', 'pick an audience')
  if (!form.title || form.title.length > 200) bad('title', 'must be 1–200 characters')
  if (!form.body || form.body.length > 2000) bad('body', 'must be 1–2000 characters')
  if (form.name.length > 200) bad('name', 'must be at most 200 characters')
  let url: string | undefined
  if (form.url) {
    try {
      // A path resolves against the shop; `//evil.example` and `https://evil.example` resolve elsewhere.
      const resolved = new URL(form.url, `${shop.origin}/`)
      if (resolved.origin !== shop.origin || !form.url.match(/^(\/(?![/\\])|https?:\/\/)/i))
        bad('url', `must be a path on the shop or a URL on ${shop.origin}`)
      else url = resolved.href
    } catch {
      bad('url', 'is not a URL')
    }
  }
  if (form.channels.length === 0) bad('channel', 'pick at least one channel')
  for (const id of form.channels)
    if (!shop.channels.includes(id)) bad('channel', `\`${id.slice(0, 64)}\` is not a channel of the shop`)
  if (new Set(form.channels).size !== form.channels.length) bad('channel', 'each channel once')
  if (issues.length > 0) {
    const fields = [...new Set(issues.map((i) => i.path[0]))].join(', ')
    throw loopError('storefront', 'invalid_input', `The campaign has bad fields: ${fields}.`, { issues })
  }
  return {
    ...(form.name ? { name: form.name } : {}),
    audience: form.audience,
    message: { title: form.title, body: form.body, ...(url ? { url } : {}) },
    channelPlan: { channels: form.channels },
  }
}
