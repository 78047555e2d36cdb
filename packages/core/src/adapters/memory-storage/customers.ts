import type { StorageAdapter } from '../../contracts/storage.js'
import { applyConsentChange } from '../../domain/consent.js'
import type { Customer, Identity } from '../../domain/customer.js'
import { applyActivity } from '../../domain/customer-activity.js'
import { chooseSurvivor } from '../../domain/customer-merge.js'
import { loopError } from '../../errors.js'
import { mergeInto } from './merge.js'
import { recordDelivery } from './payments.js'
import { copy, copyOrNull, key, type MemoryState, writeEffects } from './state.js'

type CustomerOps = Pick<
  StorageAdapter,
  | 'upsertCustomer'
  | 'getCustomer'
  | 'findCustomerByIdentity'
  | 'updateCustomer'
  | 'changeConsent'
  | 'recordActivity'
>

export function customerOps(state: MemoryState, scope: string): CustomerOps {
  const link = (customer: Customer, identity: Identity): void => {
    customer.identities.push(identity)
    state.identities.set(key(identity.provider, identity.subject), customer.id)
    if (identity.unionId !== undefined && !state.unionIds.has(identity.unionId)) {
      state.unionIds.set(identity.unionId, customer.id)
    }
  }

  return {
    async upsertCustomer({ id, profile, referredBy, now, effects, mergeEffects }) {
      const existingId = state.identities.get(key(profile.provider, profile.subject))
      if (existingId !== undefined) {
        const customer = state.customers.get(existingId)!
        const known = customer.identities.find(
          (i) => i.provider === profile.provider && i.subject === profile.subject,
        )!
        const unionId = profile.unionId
        if (unionId === undefined || known.unionId !== undefined)
          return { customer: copy(customer), created: false }
        // The provider now reveals this identity's unionid: attach it, and merge with its holder.
        known.unionId = unionId
        customer.updatedAt = now
        const holder = state.unionIds.get(unionId)
        if (holder === undefined || holder === customer.id) {
          state.unionIds.set(unionId, customer.id)
          writeEffects(state, effects, now)
          return { customer: copy(customer), created: false }
        }
        const merge = chooseSurvivor(customer, state.customers.get(holder)!)
        mergeInto(state, merge, now)
        writeEffects(state, effects, now)
        writeEffects(state, mergeEffects?.({ ...merge, unionId }), now)
        return { customer: copy(state.customers.get(merge.survivorId)!), created: false, merged: merge }
      }
      const identity: Identity = { provider: profile.provider, subject: profile.subject }
      if (profile.unionId !== undefined) identity.unionId = profile.unionId

      const sameUnion = profile.unionId === undefined ? undefined : state.unionIds.get(profile.unionId)
      if (sameUnion !== undefined) {
        const customer = state.customers.get(sameUnion)!
        link(customer, identity)
        customer.updatedAt = now
        writeEffects(state, effects, now)
        return { customer: copy(customer), created: false }
      }

      if (state.customers.has(id)) throw loopError(scope, 'conflict', `Customer \`${id}\` already exists.`)
      const customer: Customer = {
        id,
        identities: [],
        displayName: profile.displayName ?? null,
        avatarUrl: profile.avatarUrl ?? null,
        tags: [],
        consents: [],
        referredBy: referredBy ?? null,
        followedAt: null,
        unfollowedAt: null,
        lastInteractionAt: null,
        timeZone: null,
        createdAt: now,
        updatedAt: now,
      }
      state.customers.set(id, customer)
      state.customerOrder = null
      link(customer, identity)
      writeEffects(state, effects, now)
      return { customer: copy(customer), created: true }
    },

    async getCustomer({ id }) {
      return copyOrNull(state.customers.get(state.mergedInto.get(id) ?? id))
    },

    async findCustomerByIdentity({ provider, subject }) {
      const id = state.identities.get(key(provider, subject))
      return id === undefined ? null : copyOrNull(state.customers.get(id))
    },

    async updateCustomer({ id, addTags, removeTags, displayName, avatarUrl, timeZone, now, effects }) {
      const customer = state.customers.get(state.mergedInto.get(id) ?? id)
      if (!customer) return null
      const tags = new Set(customer.tags)
      for (const t of addTags ?? []) tags.add(t)
      for (const t of removeTags ?? []) tags.delete(t)
      customer.tags = [...tags]
      if (displayName !== undefined) customer.displayName = displayName
      if (avatarUrl !== undefined) customer.avatarUrl = avatarUrl
      if (timeZone !== undefined) customer.timeZone = timeZone
      customer.updatedAt = now
      writeEffects(state, effects, now)
      return copy(customer)
    },

    async recordActivity({ customerId, followed, interactedAt, now, effects, delivery }) {
      const customer = state.customers.get(state.mergedInto.get(customerId) ?? customerId)
      if (!customer) return { customer: null, changed: false }
      if (delivery && !recordDelivery(state, delivery))
        return { customer: copy(customer), changed: false, first: false }
      const { fields, changed } = applyActivity(customer, {
        ...(followed === undefined ? {} : { followed }),
        ...(interactedAt === undefined ? {} : { interactedAt }),
        now,
      })
      if (changed) Object.assign(customer, fields, { updatedAt: now })
      // With a delivery the effects are the push's own: written with its first recording.
      if (changed || delivery) writeEffects(state, effects, now)
      return { customer: copy(customer), changed, ...(delivery ? { first: true } : {}) }
    },

    async changeConsent({ customerId, channel, topic, change, now, effects }) {
      const customer = state.customers.get(state.mergedInto.get(customerId) ?? customerId)
      if (!customer) return { ok: false, consent: null }
      const index = customer.consents.findIndex((c) => c.channel === channel && c.topic === topic)
      const current = index === -1 ? null : customer.consents[index]!
      const next = applyConsentChange({ current, change, channel, topic, now })
      if (!next) return { ok: false, consent: copyOrNull(current ?? undefined) }
      if (index === -1) customer.consents.push(next)
      else customer.consents[index] = next
      customer.updatedAt = now
      writeEffects(state, effects, now)
      return { ok: true, consent: copy(next) }
    },
  }
}
