import { defined } from '../_internal/defined.js'
import type { Consent, Customer, IdentityProfile } from '../domain/customer.js'
import type { Runtime } from '../loop/runtime.js'
import { recordId } from '../schemas/common.js'
import { consentGrantInput, customerLoginInput, customerTagInput } from '../schemas/customers.js'
import { parseInput } from '../schemas.js'
import { loginWithProfile } from './login.js'

// The host app's own calls (`loop.customers.*`) get the same checks as HTTP bodies: a bad input is
// `invalid_input` with zod's issues before anything is written.

/** `loop.customers.get()`. */
export async function getCustomer(rt: Runtime, raw: unknown): Promise<Customer | null> {
  return rt.storage.getCustomer({ id: parseInput(recordId, raw, 'customers') })
}

/** `loop.customers.login()`: a profile the host app verified itself; no redirect, no visitor. */
export async function loginCustomer(
  rt: Runtime,
  raw: unknown,
): Promise<{ customer: Customer; created: boolean }> {
  const input = parseInput(customerLoginInput, raw, 'customers')
  return loginWithProfile(rt, {
    profile: defined(input.profile) as IdentityProfile,
    shareToken: input.shareToken ?? null,
    visitorKey: null,
  })
}

/** `loop.customers.tag()`: adds and removes tags; null when there is no such customer. */
export async function tagCustomer(rt: Runtime, raw: unknown): Promise<Customer | null> {
  const input = parseInput(customerTagInput, raw, 'customers')
  return rt.storage.updateCustomer({
    id: input.id,
    ...(input.add ? { addTags: input.add } : {}),
    ...(input.remove ? { removeTags: input.remove } : {}),
    now: rt.now(),
  })
}

/** `loop.customers.grantConsent()`: records a consent, `count` sends or null for uncounted. */
export async function grantConsent(
  rt: Runtime,
  raw: unknown,
): Promise<{ ok: boolean; consent: Consent | null }> {
  const input = parseInput(consentGrantInput, raw, 'customers')
  return rt.storage.changeConsent({
    customerId: input.customerId,
    channel: input.channel,
    topic: input.topic,
    change: { grant: input.count },
    now: rt.now(),
  })
}
