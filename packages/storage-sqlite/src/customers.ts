import type { Customer, Identity, StorageAdapter } from '@loopkit/core'
import { loopError } from '@loopkit/core'
import { applyActivity, applyConsentChange, chooseSurvivor } from '@loopkit/core/kit'
import { type Db, SCOPE } from './_internal/db.js'
import { writeEffects } from './_internal/effects.js'
import { type CustomerRow, toCustomer } from './_internal/rows.js'
import { mergeRows } from './customer-merge.js'
import { recordDelivery } from './payments.js'

type CustomerOps = Pick<
  StorageAdapter,
  | 'upsertCustomer'
  | 'getCustomer'
  | 'findCustomerByIdentity'
  | 'updateCustomer'
  | 'changeConsent'
  | 'recordActivity'
>

// A merged customer's id resolves to the survivor. A merge deletes the merged row and ids are never
// reused, so the merge table is read only when no customer has the id: the common read is one lookup.
const BY_ID = 'SELECT * FROM customers WHERE id = ?'
const BY_MERGED_ID = `SELECT c.* FROM customer_merges m JOIN customers c ON c.id = m.survivor_id
  WHERE m.merged_id = ?`
const IDENTITY_UNION = 'SELECT union_id FROM customer_identities WHERE provider = ? AND subject = ?'
const SET_UNION = 'UPDATE customer_identities SET union_id = ? WHERE provider = ? AND subject = ?'
const HOLDER = `SELECT c.* FROM customer_identities i JOIN customers c ON c.id = i.customer_id
  WHERE i.union_id = ? AND c.id <> ? ORDER BY c.created_at, c.id LIMIT 1`
const BY_IDENTITY = `SELECT c.* FROM customer_identities i JOIN customers c ON c.id = i.customer_id
  WHERE i.provider = ? AND i.subject = ?`
const BY_UNION = `SELECT c.* FROM customer_identities i JOIN customers c ON c.id = i.customer_id
  WHERE i.union_id = ? ORDER BY c.created_at LIMIT 1`
const INSERT_IDENTITY =
  'INSERT INTO customer_identities (provider, subject, union_id, customer_id) VALUES (?, ?, ?, ?)'
const INSERT = `INSERT INTO customers (id, identities, display_name, avatar_url, tags, consents, referred_by, created_at, updated_at)
  VALUES (?, ?, ?, ?, '[]', '[]', ?, ?, ?)`
const SAVE = `UPDATE customers SET identities = ?, display_name = ?, avatar_url = ?, tags = ?, consents = ?,
  time_zone = ?, updated_at = ? WHERE id = ?`
const ACTIVITY = `UPDATE customers SET followed_at = ?, unfollowed_at = ?, last_interaction_at = ?, updated_at = ?
  WHERE id = ?`

export function customerOps(db: Db): CustomerOps {
  const get = (id: string): Customer | null => {
    const row = (db.q(BY_ID).get(id) ?? db.q(BY_MERGED_ID).get(id)) as CustomerRow | undefined
    return row ? toCustomer(row) : null
  }
  const save = (c: Customer): void => {
    db.q(SAVE).run(
      JSON.stringify(c.identities),
      c.displayName,
      c.avatarUrl,
      JSON.stringify(c.tags),
      JSON.stringify(c.consents),
      c.timeZone,
      c.updatedAt,
      c.id,
    )
  }

  /**
   * A known identity's login. When it now comes with a unionid it had none of, attach it; when
   * another customer holds that unionid, merge the two (the older survives), all in this transaction.
   */
  const reveal = (
    customer: Customer,
    input: Parameters<StorageAdapter['upsertCustomer']>[0],
  ): Awaited<ReturnType<StorageAdapter['upsertCustomer']>> => {
    const { profile, now } = input
    const unionId = profile.unionId
    if (unionId === undefined) return { customer, created: false }
    const row = db.q(IDENTITY_UNION).get(profile.provider, profile.subject) as { union_id: string | null }
    if (row.union_id !== null) return { customer, created: false }
    db.q(SET_UNION).run(unionId, profile.provider, profile.subject)
    for (const i of customer.identities) {
      if (i.provider === profile.provider && i.subject === profile.subject) i.unionId = unionId
    }
    customer.updatedAt = now
    const holder = db.q(HOLDER).get(unionId, customer.id) as CustomerRow | undefined
    if (!holder) {
      save(customer)
      writeEffects(db, input.effects, now)
      return { customer, created: false }
    }
    const other = toCustomer(holder)
    const merge = chooseSurvivor(customer, other)
    const [survivor, merged] = merge.survivorId === customer.id ? [customer, other] : [other, customer]
    const stored = mergeRows(db, { merge, survivor, merged, now })
    writeEffects(db, input.effects, now)
    writeEffects(db, input.mergeEffects?.({ ...merge, unionId }), now)
    return { customer: stored, created: false, merged: merge }
  }

  const upsert = db.tx((input: Parameters<StorageAdapter['upsertCustomer']>[0]) => {
    const { id, profile, referredBy, now, effects } = input
    const known = db.q(BY_IDENTITY).get(profile.provider, profile.subject) as CustomerRow | undefined
    if (known) return reveal(toCustomer(known), input)
    const identity: Identity = { provider: profile.provider, subject: profile.subject }
    if (profile.unionId !== undefined) identity.unionId = profile.unionId

    const union =
      profile.unionId === undefined
        ? undefined
        : (db.q(BY_UNION).get(profile.unionId) as CustomerRow | undefined)
    if (union) {
      const customer = toCustomer(union)
      customer.identities.push(identity)
      customer.updatedAt = now
      db.q(INSERT_IDENTITY).run(identity.provider, identity.subject, identity.unionId ?? null, customer.id)
      save(customer)
      writeEffects(db, effects, now)
      return { customer, created: false }
    }

    if (get(id)) throw loopError(SCOPE, 'conflict', `Customer \`${id}\` already exists.`)
    db.q(INSERT).run(
      id,
      JSON.stringify([identity]),
      profile.displayName ?? null,
      profile.avatarUrl ?? null,
      referredBy ?? null,
      now,
      now,
    )
    db.q(INSERT_IDENTITY).run(identity.provider, identity.subject, identity.unionId ?? null, id)
    writeEffects(db, effects, now)
    return { customer: get(id)!, created: true }
  })

  const update = db.tx((input: Parameters<StorageAdapter['updateCustomer']>[0]) => {
    const customer = get(input.id)
    if (!customer) return null
    const tags = new Set(customer.tags)
    for (const t of input.addTags ?? []) tags.add(t)
    for (const t of input.removeTags ?? []) tags.delete(t)
    customer.tags = [...tags]
    if (input.displayName !== undefined) customer.displayName = input.displayName
    if (input.avatarUrl !== undefined) customer.avatarUrl = input.avatarUrl
    if (input.timeZone !== undefined) customer.timeZone = input.timeZone
    customer.updatedAt = input.now
    save(customer)
    writeEffects(db, input.effects, input.now)
    return customer
  })

  const activity = db.tx((input: Parameters<StorageAdapter['recordActivity']>[0]) => {
    const customer = get(input.customerId)
    if (!customer) return { customer: null, changed: false }
    if (input.delivery && !recordDelivery(db, input.delivery))
      return { customer, changed: false, first: false }
    const first = input.delivery ? { first: true } : {}
    const { fields, changed } = applyActivity(customer, {
      ...(input.followed === undefined ? {} : { followed: input.followed }),
      ...(input.interactedAt === undefined ? {} : { interactedAt: input.interactedAt }),
      now: input.now,
    })
    // With a delivery the effects are the push's own: written with its first recording.
    if (!changed) {
      if (input.delivery) writeEffects(db, input.effects, input.now)
      return { customer, changed: false, ...first }
    }
    Object.assign(customer, fields, { updatedAt: input.now })
    db.q(ACTIVITY).run(
      fields.followedAt,
      fields.unfollowedAt,
      fields.lastInteractionAt,
      input.now,
      customer.id,
    )
    writeEffects(db, input.effects, input.now)
    return { customer, changed: true, ...first }
  })

  const consent = db.tx((input: Parameters<StorageAdapter['changeConsent']>[0]) => {
    const { customerId, channel, topic, change, now, effects } = input
    const customer = get(customerId)
    if (!customer) return { ok: false, consent: null }
    const index = customer.consents.findIndex((c) => c.channel === channel && c.topic === topic)
    const current = index === -1 ? null : customer.consents[index]!
    const next = applyConsentChange({ current, change, channel, topic, now })
    if (!next) return { ok: false, consent: current }
    if (index === -1) customer.consents.push(next)
    else customer.consents[index] = next
    customer.updatedAt = now
    save(customer)
    writeEffects(db, effects, now)
    return { ok: true, consent: next }
  })

  return {
    async upsertCustomer(input) {
      return upsert(input)
    },
    async getCustomer({ id }) {
      return db.read(() => get(id))
    },
    async findCustomerByIdentity({ provider, subject }) {
      return db.read(() => {
        const row = db.q(BY_IDENTITY).get(provider, subject) as CustomerRow | undefined
        return row ? toCustomer(row) : null
      })
    },
    async updateCustomer(input) {
      return update(input)
    },
    async changeConsent(input) {
      return consent(input)
    },
    async recordActivity(input) {
      return activity(input)
    },
  }
}
