import { z } from 'zod'
import { type AudienceFilter, audienceFilterSchema } from '../../domain/audience.js'
import type { Customer } from '../../domain/customer.js'
import type { Runtime } from '../../loop/runtime.js'
import { parseInput } from '../../schemas.js'
import { findAudience } from './define.js'

/** The largest page `members()` and `customers.list()` serve. */
export const MAX_PAGE = 1000

const page = {
  after: z.string().min(1).max(128).nullable().optional(),
  limit: z.number().int().min(1).max(MAX_PAGE).optional(),
}
const listInput = z.object({ where: audienceFilterSchema.optional(), ...page }).strict()
const countInput = z.object({ where: audienceFilterSchema.optional() }).strict()
const pageInput = z.object(page).strict()

/** One page of customers and the cursor of the next (`null` after the last). */
export interface CustomerPage {
  customers: Customer[]
  next: string | null
}

async function listWhere(
  rt: Runtime,
  where: AudienceFilter | undefined,
  input: { after?: string | null | undefined; limit?: number | undefined },
): Promise<CustomerPage> {
  return rt.storage.listCustomers({
    ...(where ? { where } : {}),
    after: input.after ?? null,
    limit: input.limit ?? 100,
    now: rt.now(),
  })
}

/**
 * A page of the customers matching `where` (everyone without it), in id order — newest last; pass
 * `next` back as `after` for the following page. `limit` defaults to 100, at most 1,000.
 */
export async function listCustomers(rt: Runtime, raw: unknown): Promise<CustomerPage> {
  const input = parseInput(listInput, raw, 'customers')
  return listWhere(rt, input.where, input)
}

/** How many customers match `where` (everyone without it). */
export async function countCustomers(rt: Runtime, raw: unknown): Promise<number> {
  const input = parseInput(countInput, raw, 'customers')
  const { count } = await rt.storage.countCustomers({
    ...(input.where ? { where: input.where } : {}),
    now: rt.now(),
  })
  return count
}

/** How many customers an audience holds now ("within days" filters count back from the loop clock). */
export async function countMembers(rt: Runtime, id: unknown): Promise<number> {
  const audience = await findAudience(rt, id)
  return (await rt.storage.countCustomers({ where: audience.where, now: rt.now() })).count
}

/** A page of an audience's members, as `listCustomers`. */
export async function listMembers(rt: Runtime, id: unknown, raw: unknown): Promise<CustomerPage> {
  const input = parseInput(pageInput, raw, 'audiences')
  const audience = await findAudience(rt, id)
  return listWhere(rt, audience.where, input)
}
