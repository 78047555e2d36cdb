import type { Consent, Customer } from './customer.js'
import { mergeActivity } from './customer-activity.js'

/** Two customers found to be one person (their identities share a WeChat unionid). */
export interface CustomerMerge {
  /** The customer that remains: the older one. */
  survivorId: string
  /** The customer folded into it; its id keeps resolving to the survivor. */
  mergedId: string
}

/**
 * Which of two customers survives a merge: the older one (`createdAt`, then id), so the answer does
 * not depend on which device logged in first after the link was found, and every adapter agrees.
 *
 * @example
 * ```ts
 * const { survivorId, mergedId } = chooseSurvivor(a, b)
 * ```
 */
export function chooseSurvivor(
  a: Pick<Customer, 'id' | 'createdAt'>,
  b: Pick<Customer, 'id' | 'createdAt'>,
): CustomerMerge {
  const aFirst = a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id)
  return aFirst ? { survivorId: a.id, mergedId: b.id } : { survivorId: b.id, mergedId: a.id }
}

/**
 * One consent from the survivor's and the merged customer's: an active one wins over a revoked one;
 * two active ones add their counted sends (uncounted if either is); two revoked ones keep the
 * survivor's. A person who allowed a message on either account still allows it.
 */
function mergeConsent(a: Consent, b: Consent): Consent {
  const aActive = a.revokedAt === null
  const bActive = b.revokedAt === null
  if (aActive !== bActive) return { ...(aActive ? a : b) }
  if (!aActive) return { ...a }
  return {
    ...a,
    remaining: a.remaining === null || b.remaining === null ? null : a.remaining + b.remaining,
    grantedAt: Math.max(a.grantedAt, b.grantedAt),
  }
}

/**
 * The survivor after taking in the merged customer: every identity, the union of tags, consents
 * merged per channel and topic, profile fields and `referredBy` kept from the survivor unless it has
 * none (a referral by either of the two is dropped: nobody refers themselves). Storage adapters
 * call it so a merge reads the same from memory, SQLite and PostgreSQL.
 *
 * @example
 * ```ts
 * const merged = mergeCustomers({ survivor: a, merged: b, now })
 * ```
 */
export function mergeCustomers(input: { survivor: Customer; merged: Customer; now: number }): Customer {
  const { survivor: s, merged: m } = input
  const consents = s.consents.map((c) => ({ ...c }))
  for (const c of m.consents) {
    const i = consents.findIndex((x) => x.channel === c.channel && x.topic === c.topic)
    if (i === -1) consents.push({ ...c })
    else consents[i] = mergeConsent(consents[i]!, c)
  }
  const known = new Set(s.identities.map((i) => `${i.provider}\u0000${i.subject}`))
  const referredBy = s.referredBy ?? m.referredBy
  return {
    ...s,
    identities: [
      ...s.identities.map((i) => ({ ...i })),
      ...m.identities.filter((i) => !known.has(`${i.provider}\u0000${i.subject}`)).map((i) => ({ ...i })),
    ],
    displayName: s.displayName ?? m.displayName,
    avatarUrl: s.avatarUrl ?? m.avatarUrl,
    tags: [...new Set([...s.tags, ...m.tags])],
    consents,
    referredBy: referredBy === s.id || referredBy === m.id ? null : referredBy,
    ...mergeActivity(s, m),
    updatedAt: input.now,
  }
}
