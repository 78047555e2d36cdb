import type { Customer, IdentityProfile, StorageAdapter, WebhookDelivery } from '@loopkit/core'
import { applyActivity } from '@loopkit/core/kit'
import type { Db, Queryable } from './_internal/db.js'
import { effectsCtes, Params, withEffects, writeEffects } from './_internal/effects.js'
import { readOne } from './_internal/read-many.js'
import { attachUnion } from './union-reveal.js'

type Ops = Pick<
  StorageAdapter,
  'upsertCustomer' | 'getCustomer' | 'findCustomerByIdentity' | 'updateCustomer' | 'recordActivity'
>

/** Selects whole customers (identities and consents folded in as JSON, in the order they were added). */
export function customerSelect(s: string, where: string): string {
  return `SELECT c.id, c.display_name AS "displayName", c.avatar_url AS "avatarUrl", c.tags, c.referred_by AS "referredBy",
      c.followed_at AS "followedAt", c.unfollowed_at AS "unfollowedAt",
      c.last_interaction_at AS "lastInteractionAt", c.time_zone AS "timeZone",
      c.created_at AS "createdAt", c.updated_at AS "updatedAt",
      coalesce((SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
          'provider', i.provider, 'subject', i.subject, 'unionId', i.union_id)) ORDER BY i.seq)
        FROM ${s}.identities i WHERE i.customer_id = c.id), '[]') AS identities,
      coalesce((SELECT jsonb_agg(jsonb_build_object('channel', k.channel, 'topic', k.topic, 'remaining', k.remaining,
          'grantedAt', k.granted_at, 'revokedAt', k.revoked_at) ORDER BY k.seq)
        FROM ${s}.consents k WHERE k.customer_id = c.id), '[]') AS consents
    FROM ${s}.customers c ${where}`
}

/** SQL for the id a customer id stands for now: the survivor's, if it was merged into another. */
export function resolvedId(s: string, param: string): string {
  return `coalesce((SELECT survivor_id FROM ${s}.customer_merges WHERE merged_id = ${param}::text), ${param}::text)`
}

export async function loadCustomer(q: Queryable, s: string, id: string): Promise<Customer | null> {
  const { rows } = await q.query<Customer>(customerSelect(s, `WHERE c.id = ${resolvedId(s, '$1')}`), [id], {
    prepared: true,
  })
  return rows[0] ?? null
}

/** A login of a known identity that now reports a unionid the identity does not have yet. */
function reveals(customer: Customer, profile: IdentityProfile): boolean {
  if (profile.unionId === undefined) return false
  const known = customer.identities.find(
    (i) => i.provider === profile.provider && i.subject === profile.subject,
  )
  return known !== undefined && known.unionId === undefined
}

/** Serializes work on one key across every process sharing the database, until the transaction ends. */
export async function lockKey(q: Queryable, key: string): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key])
}

export function customerOps(db: Db): Ops {
  const { s } = db
  // Checkout and the paid webhook both read the customer: concurrent reads share a statement.
  const byId = readOne<Customer>(db, ['text'], ([id]) =>
    customerSelect(s, `WHERE c.id = ${resolvedId(s, id!)}`),
  )

  const findByIdentity = async (q: Queryable, provider: string, subject: string) => {
    const { rows } = await q.query<Customer>(
      customerSelect(
        s,
        `WHERE c.id = (SELECT customer_id FROM ${s}.identities WHERE provider = $1 AND subject = $2)`,
      ),
      [provider, subject],
    )
    return rows[0] ?? null
  }

  /** The activity and the push that reports it, in one transaction: the delivery row decides. */
  const activityWithDelivery = (
    input: Parameters<StorageAdapter['recordActivity']>[0] & { delivery: WebhookDelivery },
  ) =>
    db.tx(async (q) => {
      const { rows: ids } = await q.query<{ id: string }>(
        `SELECT id FROM ${s}.customers WHERE id = ${resolvedId(s, '$1')} FOR UPDATE`,
        [input.customerId],
      )
      if (!ids[0]) return { customer: null, changed: false }
      const { rowCount } = await q.query(
        `INSERT INTO ${s}.webhook_deliveries (provider, event_id, received_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [input.delivery.provider, input.delivery.eventId, input.delivery.receivedAt],
      )
      const customer = (await loadCustomer(q, s, ids[0].id))!
      if (rowCount === 0) return { customer, changed: false, first: false }
      const { fields, changed } = applyActivity(customer, {
        ...(input.followed === undefined ? {} : { followed: input.followed }),
        ...(input.interactedAt === undefined ? {} : { interactedAt: input.interactedAt }),
        now: input.now,
      })
      if (changed)
        await q.query(
          `UPDATE ${s}.customers SET followed_at = $2, unfollowed_at = $3, last_interaction_at = $4, updated_at = $5
           WHERE id = $1`,
          [customer.id, fields.followedAt, fields.unfollowedAt, fields.lastInteractionAt, input.now],
        )
      // The effects are the push's own: written with its first recording.
      await writeEffects(q, db, { effects: input.effects, now: input.now })
      return {
        customer: changed ? { ...customer, ...fields, updatedAt: input.now } : customer,
        changed,
        first: true,
      }
    })

  return {
    async upsertCustomer(input) {
      const { id, profile, referredBy, now, effects } = input
      // Most logins are returning customers: answer them without a transaction.
      const known = await findByIdentity(db, profile.provider, profile.subject)
      if (known && !reveals(known, profile)) return { customer: known, created: false }
      return db.tx(async (q) => {
        // Two first logins of the same person (or of two apps sharing a unionId) race here: the
        // locks make the second one find what the first created. Identity before unionId, always.
        await lockKey(q, `loopkit:${db.schema}:identity:${profile.provider}:${profile.subject}`)
        if (profile.unionId) await lockKey(q, `loopkit:${db.schema}:union:${profile.unionId}`)
        const again = await findByIdentity(q, profile.provider, profile.subject)
        if (again && !reveals(again, profile)) return { customer: again, created: false }
        if (again) return attachUnion(q, db, { customer: again, ...input, unionId: profile.unionId! })
        const addIdentity = (customerId: string) =>
          q.query(
            `INSERT INTO ${s}.identities (provider, subject, customer_id, union_id) VALUES ($1, $2, $3, $4)`,
            [profile.provider, profile.subject, customerId, profile.unionId ?? null],
          )
        if (profile.unionId) {
          const { rows } = await q.query<{ customerId: string }>(
            `SELECT customer_id AS "customerId" FROM ${s}.identities WHERE union_id = $1 ORDER BY seq LIMIT 1`,
            [profile.unionId],
          )
          const sibling = rows[0]?.customerId
          if (sibling) {
            await addIdentity(sibling)
            return { customer: (await loadCustomer(q, s, sibling))!, created: false }
          }
        }
        await q.query(
          `INSERT INTO ${s}.customers (id, display_name, avatar_url, referred_by, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $5)`,
          [id, profile.displayName ?? null, profile.avatarUrl ?? null, referredBy ?? null, now],
        )
        await addIdentity(id)
        await writeEffects(q, db, { effects, now })
        return { customer: (await loadCustomer(q, s, id))!, created: true }
      })
    },

    getCustomer: ({ id }) => byId([id]),

    findCustomerByIdentity: ({ provider, subject }) => findByIdentity(db, provider, subject),

    async updateCustomer({ id, addTags, removeTags, displayName, avatarUrl, timeZone, now, effects }) {
      // Tags keep their first position; removals win over additions in the same call.
      const p = new Params()
      const upd = `upd AS (
        UPDATE ${s}.customers SET
          tags = (SELECT coalesce(array_agg(t ORDER BY o), '{}') FROM (
            SELECT t, min(o) AS o FROM unnest(tags || ${p.add(addTags ?? [])}::text[]) WITH ORDINALITY AS u(t, o)
            WHERE NOT (t = ANY(${p.add(removeTags ?? [])}::text[])) GROUP BY t) AS x),
          display_name = CASE WHEN ${p.add(displayName !== undefined)}::boolean
            THEN ${p.add(displayName ?? null)}::text ELSE display_name END,
          avatar_url = CASE WHEN ${p.add(avatarUrl !== undefined)}::boolean
            THEN ${p.add(avatarUrl ?? null)}::text ELSE avatar_url END,
          time_zone = CASE WHEN ${p.add(timeZone !== undefined)}::boolean
            THEN ${p.add(timeZone ?? null)}::text ELSE time_zone END,
          updated_at = ${p.add(now)}::bigint
        WHERE id = ${resolvedId(s, p.add(id))}
        RETURNING 1)`
      const fx = effectsCtes(p, db, { effects, now, when: 'EXISTS (SELECT 1 FROM upd)' })
      const { rows } = await db.query<{ found: boolean }>(
        `${withEffects(upd, fx)} SELECT EXISTS (SELECT 1 FROM upd) AS found`,
        p.values,
      )
      return rows[0]!.found ? loadCustomer(db, s, id) : null
    },

    async recordActivity(input) {
      const { customerId, followed, interactedAt, now, effects, delivery } = input
      if (delivery) return activityWithDelivery({ ...input, delivery })
      // Read, decide with core's rule, then write only if the row still holds what was read: a
      // concurrent activity makes the compare fail and the decision is taken again on its result.
      for (;;) {
        const customer = await loadCustomer(db, s, customerId)
        if (!customer) return { customer: null, changed: false }
        const { fields, changed } = applyActivity(customer, {
          ...(followed === undefined ? {} : { followed }),
          ...(interactedAt === undefined ? {} : { interactedAt }),
          now,
        })
        if (!changed) return { customer, changed: false }
        const p = new Params()
        const upd = `upd AS (
          UPDATE ${s}.customers SET followed_at = ${p.add(fields.followedAt)}::bigint,
            unfollowed_at = ${p.add(fields.unfollowedAt)}::bigint,
            last_interaction_at = ${p.add(fields.lastInteractionAt)}::bigint, updated_at = ${p.add(now)}::bigint
          WHERE id = ${p.add(customer.id)}
            AND followed_at IS NOT DISTINCT FROM ${p.add(customer.followedAt)}::bigint
            AND unfollowed_at IS NOT DISTINCT FROM ${p.add(customer.unfollowedAt)}::bigint
            AND last_interaction_at IS NOT DISTINCT FROM ${p.add(customer.lastInteractionAt)}::bigint
          RETURNING 1)`
        const fx = effectsCtes(p, db, { effects, now, when: 'EXISTS (SELECT 1 FROM upd)' })
        const { rows } = await db.query<{ done: boolean }>(
          `${withEffects(upd, fx)} SELECT EXISTS (SELECT 1 FROM upd) AS done`,
          p.values,
        )
        if (rows[0]!.done) return { customer: { ...customer, ...fields, updatedAt: now }, changed: true }
      }
    },
  }
}
