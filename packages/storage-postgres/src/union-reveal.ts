import type { Customer, StorageAdapter } from '@loopkit/core'
import { chooseSurvivor } from '@loopkit/core/kit'
import type { Db, Queryable } from './_internal/db.js'
import { writeEffects } from './_internal/effects.js'
import { mergeRows } from './customer-merge.js'
import { loadCustomer } from './customers.js'

type Upsert = Parameters<StorageAdapter['upsertCustomer']>[0]

/**
 * A known identity logged in with a unionid it had none of (inside the upsert's transaction, which
 * holds the identity's and the unionid's locks): attach it, and when another customer already holds
 * it, merge the two — the older survives — writing `mergeEffects` with the merge.
 */
export async function attachUnion(
  q: Queryable,
  db: Pick<Db, 's' | 'schema'>,
  input: Upsert & { customer: Customer; unionId: string },
): Promise<Awaited<ReturnType<StorageAdapter['upsertCustomer']>>> {
  const { s } = db
  const { customer, profile, unionId, now } = input
  await q.query(`UPDATE ${s}.identities SET union_id = $3 WHERE provider = $1 AND subject = $2`, [
    profile.provider,
    profile.subject,
    unionId,
  ])
  const { rows } = await q.query<{ id: string; createdAt: number }>(
    `SELECT c.id, c.created_at AS "createdAt" FROM ${s}.identities i JOIN ${s}.customers c ON c.id = i.customer_id
     WHERE i.union_id = $1 AND c.id <> $2 ORDER BY c.created_at, c.id LIMIT 1`,
    [unionId, customer.id],
  )
  const holder = rows[0]
  if (!holder) {
    await q.query(`UPDATE ${s}.customers SET updated_at = $2 WHERE id = $1`, [customer.id, now])
    await writeEffects(q, db, { effects: input.effects, now })
    return { customer: (await loadCustomer(q, s, customer.id))!, created: false }
  }
  const merge = chooseSurvivor(customer, holder)
  const other = (await loadCustomer(q, s, holder.id))!
  const self = (await loadCustomer(q, s, customer.id))!
  const [survivor, merged] = merge.survivorId === self.id ? [self, other] : [other, self]
  await mergeRows(q, s, { merge, survivor, merged, now })
  await writeEffects(q, db, { effects: input.effects, now })
  await writeEffects(q, db, { effects: input.mergeEffects?.({ ...merge, unionId }), now })
  return { customer: (await loadCustomer(q, s, merge.survivorId))!, created: false, merged: merge }
}
