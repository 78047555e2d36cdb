import { z } from 'zod'
import { newId } from '../../_internal/ids.js'
import type { Campaign } from '../../domain/campaign.js'
import type { RenderedMessage } from '../../domain/notification.js'
import { loopError } from '../../errors.js'
import type { Runtime } from '../../loop/runtime.js'
import { parseInput } from '../../schemas.js'
import { findAudience } from '../audience/define.js'
import { campaignStore } from './store.js'

const createInput = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional(),
    name: z.string().min(1).max(200).optional(),
    audience: z.string().min(1).max(128),
    message: z
      .object({
        title: z.string().min(1).max(200),
        body: z.string().min(1).max(2000),
        url: z.url({ protocol: /^https?$/ }).optional(),
        fields: z.record(z.string(), z.string().max(200)).optional(),
      })
      .strict(),
    channelPlan: z.object({ channels: z.array(z.string().min(1)).min(1).max(8) }).strict(),
    schedule: z.object({ at: z.number().int().nonnegative() }).strict().optional(),
  })
  .strict()

/** The input of `loop.campaigns.create`. */
export type CreateCampaignInput = z.input<typeof createInput>

/** The message every member's row carries: topic `campaign` (class `marketing`), the plan as its chain. */
export function campaignMessage(c: Campaign): RenderedMessage {
  return {
    topic: 'campaign',
    title: c.message.title,
    body: c.message.body,
    ...(c.message.url ? { url: c.message.url } : {}),
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
