import { z } from 'zod'
import { type Audience, audienceFilterSchema } from '../../domain/audience.js'
import { loopError } from '../../errors.js'
import type { Runtime } from '../../loop/runtime.js'
import { parseInput } from '../../schemas.js'
import { builtInAudiences } from './built-in.js'

/** An audience id: a short slug, safe in URLs and logs. */
export const audienceId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
    'must be 1–64 of [A-Za-z0-9_.-], starting with a letter or digit',
  )

/** `loop.audiences.define()` input. */
export const defineAudienceInput = z
  .object({
    id: audienceId,
    where: audienceFilterSchema,
    name: z.string().trim().min(1).max(128).nullable().optional(),
  })
  .strict()

/**
 * Saves (or replaces) an audience: an id, a validated filter and an optional name. Durable in the
 * storage adapter; a replace keeps `createdAt`. Built-in ids (`followers`) are reserved:
 * `invalid_input`, as is a filter that does not parse — and nothing is stored.
 */
export async function defineAudience(rt: Runtime, raw: unknown): Promise<Audience> {
  const input = parseInput(defineAudienceInput, raw, 'audiences')
  if (Object.hasOwn(builtInAudiences, input.id)) {
    throw loopError('audiences', 'invalid_input', `Audience id \`${input.id}\` is built in and reserved.`, {
      issues: [{ path: ['id'], message: 'is reserved for a built-in audience', code: 'custom' }],
    })
  }
  const now = rt.now()
  return rt.storage.putAudience({
    audience: { id: input.id, name: input.name ?? null, where: input.where, createdAt: now, updatedAt: now },
  })
}

/** The audience with this id (built-in or saved); `not_found` when there is none. */
export async function findAudience(rt: Runtime, raw: unknown): Promise<Audience> {
  const id = parseInput(audienceId, raw, 'audiences')
  const audience = Object.hasOwn(builtInAudiences, id)
    ? builtInAudiences[id]!
    : await rt.storage.getAudience({ id })
  if (!audience) throw loopError('audiences', 'not_found', `No audience \`${id}\`.`)
  return audience
}

/** Built-in audiences first, then the saved ones by id. */
export async function listAudiences(rt: Runtime): Promise<Audience[]> {
  return [...Object.values(builtInAudiences), ...(await rt.storage.listAudiences({}))]
}
