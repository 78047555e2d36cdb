import { z } from 'zod'
import type { Customer } from '../../domain/customer.js'
import { loopError } from '../../errors.js'
import type { Runtime } from '../../loop/runtime.js'
import { parseInput } from '../../schemas.js'

/** Whether the runtime knows this IANA zone name. */
function knownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

const input = z
  .object({
    id: z.string().min(1).max(128),
    timeZone: z.string().max(64).refine(knownZone, 'is not an IANA time zone').nullable(),
  })
  .strict()

/**
 * Sets (or, with `null`, forgets) a customer's IANA time zone, used for quiet hours.
 * `invalid_input` for a zone the runtime does not know; `not_found` for an unknown customer.
 */
export async function setTimeZone(rt: Runtime, raw: unknown): Promise<Customer> {
  const { id, timeZone } = parseInput(input, raw, 'customers')
  const customer = await rt.storage.updateCustomer({ id, timeZone, now: rt.now() })
  if (!customer) throw loopError('customers', 'not_found', `No customer \`${id}\`.`)
  return customer
}
