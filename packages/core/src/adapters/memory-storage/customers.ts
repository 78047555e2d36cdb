import type { StorageAdapter } from '../../contracts/storage.js'
import { applyConsentChange } from '../../domain/consent.js'
import type { Customer, Identity } from '../../domain/customer.js'
import { loopError } from '../../errors.js'
import { copy, copyOrNull, key, type MemoryState, writeEffects } from './state.js'

type CustomerOps = Pick<
  StorageAdapter,
  'upsertCustomer' | 'getCustomer' | 'findCustomerByIdentity' | 'updateCustomer' | 'changeConsent'
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
    async upsertCustomer({ id, profile, referredBy, now, effects }) {
      const existingId = state.identities.get(key(profile.provider, profile.subject))
      if (existingId !== undefined) {
        return { customer: copy(state.customers.get(existingId)!), created: false }
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
        createdAt: now,
        updatedAt: now,
      }
      state.customers.set(id, customer)
      link(customer, identity)
      writeEffects(state, effects, now)
      return { customer: copy(customer), created: true }
    },

    async getCustomer({ id }) {
      return copyOrNull(state.customers.get(id))
    },

    async findCustomerByIdentity({ provider, subject }) {
      const id = state.identities.get(key(provider, subject))
      return id === undefined ? null : copyOrNull(state.customers.get(id))
    },

    async updateCustomer({ id, addTags, removeTags, displayName, avatarUrl, now, effects }) {
      const customer = state.customers.get(id)
      if (!customer) return null
      const tags = new Set(customer.tags)
      for (const t of addTags ?? []) tags.add(t)
      for (const t of removeTags ?? []) tags.delete(t)
      customer.tags = [...tags]
      if (displayName !== undefined) customer.displayName = displayName
      if (avatarUrl !== undefined) customer.avatarUrl = avatarUrl
      customer.updatedAt = now
      writeEffects(state, effects, now)
      return copy(customer)
    },

    async changeConsent({ customerId, channel, topic, change, now, effects }) {
      const customer = state.customers.get(customerId)
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
