import * as z from 'zod/mini'
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

const input = z.strictObject({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  timeZone: z.nullable(z.string().check(z.maxLength(64), z.refine(knownZone, 'is not an IANA time zone'))),
})

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
