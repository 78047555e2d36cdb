import type { Consent, StorageAdapter } from '@loopkit/core'
import type { Db } from './_internal/db.js'
import { writeEffects } from './_internal/effects.js'

const consentCols = `channel, topic, remaining, granted_at AS "grantedAt", revoked_at AS "revokedAt"`

/** Consents: each change is one conditional statement, so two sends can never spend one grant. */
export function consentOps(db: Db): Pick<StorageAdapter, 'changeConsent'> {
  const { s } = db
  return {
    async changeConsent({ customerId, channel, topic, change, now, effects }) {
      return db.tx(async (q) => {
        const key = [customerId, channel, topic]
        let changed: Consent | undefined
        if ('grant' in change) {
          // A grant on a live, counted consent adds to it; a revoked (or new) one starts over;
          // `null` on either side means "not counted".
          const { rows } = await q.query<Consent>(
            `INSERT INTO ${s}.consents AS k (customer_id, channel, topic, remaining, granted_at, revoked_at)
             SELECT $1::text, $2::text, $3::text, $4::bigint, $5::bigint, NULL::bigint
             WHERE EXISTS (SELECT 1 FROM ${s}.customers WHERE id = $1)
             ON CONFLICT (customer_id, channel, topic) DO UPDATE SET
               remaining = CASE
                 WHEN k.revoked_at IS NOT NULL THEN excluded.remaining
                 WHEN k.remaining IS NULL OR excluded.remaining IS NULL THEN NULL
                 ELSE k.remaining + excluded.remaining END,
               granted_at = excluded.granted_at,
               revoked_at = NULL
             RETURNING ${consentCols}`,
            [...key, change.grant, now],
          )
          changed = rows[0]
        } else if ('consume' in change) {
          const { rows } = await q.query<Consent>(
            `UPDATE ${s}.consents SET remaining = remaining - 1
             WHERE customer_id = $1 AND channel = $2 AND topic = $3 AND revoked_at IS NULL
               AND (remaining IS NULL OR remaining > 0)
             RETURNING ${consentCols}`,
            key,
          )
          changed = rows[0]
        } else {
          const { rows } = await q.query<Consent>(
            `UPDATE ${s}.consents SET revoked_at = $4
             WHERE customer_id = $1 AND channel = $2 AND topic = $3 AND revoked_at IS NULL
             RETURNING ${consentCols}`,
            [...key, now],
          )
          changed = rows[0]
        }
        if (changed) {
          await writeEffects(q, db, { effects, now })
          return { ok: true, consent: changed }
        }
        const { rows } = await q.query<Consent>(
          `SELECT ${consentCols} FROM ${s}.consents WHERE customer_id = $1 AND channel = $2 AND topic = $3`,
          key,
        )
        return { ok: false, consent: rows[0] ?? null }
      })
    },
  }
}
