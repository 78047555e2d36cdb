import * as z from 'zod/mini'
import { newId } from '../../_internal/ids.js'
import type { Campaign } from '../../domain/campaign.js'
import type { RenderedMessage } from '../../domain/notification.js'
import { loopError } from '../../errors.js'
import type { Runtime } from '../../loop/runtime.js'
import { parseInput } from '../../schemas.js'
import { findAudience } from '../audience/define.js'
import { linkTarget, signedLink } from './link.js'
import { campaignStore } from './store.js'

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max))
const createInput = z.strictObject({
  id: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/))),
  name: z.optional(text(200)),
  audience: text(128),
  message: z.strictObject({
    title: text(200),
    body: text(2000),
    url: z.optional(z.url({ protocol: /^https?$/ })),
    fields: z.optional(z.record(z.string(), z.string().check(z.maxLength(200)))),
  }),
  channelPlan: z.strictObject({ channels: z.array(text(64)).check(z.minLength(1), z.maxLength(8)) }),
  schedule: z.optional(z.strictObject({ at: z.int().check(z.minimum(0)) })),
})

/** The input of `loop.campaigns.create` (validated by a schema of the same shape). */
export interface CreateCampaignInput {
  /** Default: a new `cmp_…` id. 1–64 of `[A-Za-z0-9_-]`. */
  id?: string
  name?: string
  /** The audience id (built-in or saved). */
  audience: string
  /**
   * `url`: on the loop's origin or an origin of `allowedRedirectOrigins`. Members get the campaign's
   * signed link (`<baseUrl>/c/<token>`) leading there, so their orders are attributed.
   */
  message: { title: string; body: string; url?: string; fields?: Record<string, string> }
  /** The fallback chain: each member gets the first channel that can reach them. */
  channelPlan: { channels: string[] }
  /** Rows are held in the outbox until `at` (epoch ms). */
  schedule?: { at: number }
}

// Every input the interface allows is one the schema's type allows (a compile-time check).
const _fitsSchema = (input: CreateCampaignInput): z.input<typeof createInput> => input
void _fitsSchema

/**
 * The message every member's row carries: topic `campaign` (class `marketing`), the plan as its
 * chain, and — when the message has a `url` — the campaign's signed link leading there instead, so
 * every channel carries the link that attributes orders.
 */
export function campaignMessage(rt: Runtime, c: Campaign): RenderedMessage {
  const to = c.message.url ? linkTarget(rt, c.message.url) : null
  const url = to ? signedLink(rt, c.id, to).url : c.message.url
  return {
    topic: 'campaign',
    title: c.message.title,
    body: c.message.body,
    ...(url ? { url } : {}),
    fields: c.message.fields,
    chain: c.channels,
  }
}

/**
 * Creates a draft campaign: one message to one audience on a channel plan, optionally scheduled.
 * The audience's filter is copied, so editing the audience later does not change who this one
 * reaches. Bad input (an unknown audience or channel) is refused before anything is stored.
 */
export async function createCampaign(rt: Runtime, raw: unknown): Promise<Campaign> {
  const input = parseInput(createInput, raw, 'campaigns')
  const store = campaignStore(rt)
  for (const id of input.channelPlan.channels)
    if (!rt.messaging.some((m) => m.id === id))
      throw loopError(
        'campaigns',
        'invalid_input',
        `The channel plan names \`${id}\`, which is not a messaging adapter.`,
      )
  if (input.message.url && !linkTarget(rt, input.message.url))
    throw loopError(
      'campaigns',
      'invalid_input',
      '`message.url` must be on this site or on an origin of option `allowedRedirectOrigins`: the campaign link leads there.',
      { issues: [{ path: ['message', 'url'], message: 'origin not allowed' }] },
    )
  const audience = await findAudience(rt, input.audience)
  const now = rt.now()
  return store.createCampaign({
    campaign: {
      id: input.id ?? newId('cmp', now),
      name: input.name ?? null,
      audienceId: audience.id,
      where: audience.where,
      message: {
        title: input.message.title,
        body: input.message.body,
        ...(input.message.url ? { url: input.message.url } : {}),
        fields: input.message.fields ?? {},
      },
      channels: input.channelPlan.channels,
      sendAt: input.schedule?.at ?? null,
      status: 'draft',
      cursor: null,
      queued: 0,
      unreachable: 0,
      startedAt: null,
      createdAt: now,
      updatedAt: now,
    },
  })
}
