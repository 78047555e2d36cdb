import type { Consent, StorageAdapter } from '@loopkit/core'
import type { Db } from './_internal/db.js'
import { effectsCtes, Params, withEffects } from './_internal/effects.js'
import { resolvedId } from './customers.js'

const consentCols = `channel, topic, remaining, granted_at AS "grantedAt", revoked_at AS "revokedAt"`

/**
 * Consents: each change is one conditional statement (with its effects), so two sends can never
 * spend one grant.
 */
export function consentOps(db: Db): Pick<StorageAdapter, 'changeConsent'> {
  const { s } = db
  return {
    async changeConsent({ customerId, channel, topic, change, now, effects }) {
      const p = new Params()
      // A merged customer's id stands for its survivor.
      const [c, ch, t] = [resolvedId(s, p.add(customerId)), p.add(channel), p.add(topic)]
      const key = `customer_id = ${c} AND channel = ${ch} AND topic = ${t}`
      let cte: string
      if ('grant' in change) {
        // A grant on a live, counted consent adds to it; a revoked (or new) one starts over;
        // `null` on either side means "not counted". An unknown customer gets nothing.
        cte = `changed AS (
          INSERT INTO ${s}.consents AS k (customer_id, channel, topic, remaining, granted_at, revoked_at)
          SELECT ${c}, ${ch}::text, ${t}::text, ${p.add(change.grant)}::bigint, ${p.add(now)}::bigint, NULL::bigint
          WHERE EXISTS (SELECT 1 FROM ${s}.customers WHERE id = ${c})
          ON CONFLICT (customer_id, channel, topic) DO UPDATE SET
            remaining = CASE
              WHEN k.revoked_at IS NOT NULL THEN excluded.remaining
              WHEN k.remaining IS NULL OR excluded.remaining IS NULL THEN NULL
              ELSE k.remaining + excluded.remaining END,
            granted_at = excluded.granted_at,
            revoked_at = NULL
          RETURNING ${consentCols})`
      } else if ('consume' in change) {
        cte = `changed AS (
          UPDATE ${s}.consents SET remaining = remaining - 1
          WHERE ${key} AND revoked_at IS NULL AND (remaining IS NULL OR remaining > 0)
          RETURNING ${consentCols})`
      } else {
        cte = `changed AS (
          UPDATE ${s}.consents SET revoked_at = ${p.add(now)}::bigint
          WHERE ${key} AND revoked_at IS NULL
          RETURNING ${consentCols})`
      }
      const fx = effectsCtes(p, db, { effects, now, when: 'EXISTS (SELECT 1 FROM changed)' })
      const { rows } = await db.query<Consent>(`${withEffects(cte, fx)} SELECT * FROM changed`, p.values)
      if (rows[0]) return { ok: true, consent: rows[0] }
      const current = await db.query<Consent>(
        `SELECT ${consentCols} FROM ${s}.consents WHERE customer_id = ${resolvedId(s, '$1')} AND channel = $2 AND topic = $3`,
        [customerId, channel, topic],
      )
      return { ok: false, consent: current.rows[0] ?? null }
    },
  }
}
