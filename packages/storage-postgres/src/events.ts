import type { LoopEventRecord, StorageAdapter } from '@loopkit/core'
import { eventCols } from './_internal/columns.js'
import type { Db } from './_internal/db.js'
import { whereBuilder } from './_internal/db.js'
import { eventsHighWater, writeEffects } from './_internal/effects.js'

export function eventOps(db: Db): Pick<StorageAdapter, 'appendEvents' | 'listEvents'> {
  const { s } = db
  return {
    async appendEvents({ events }) {
      if (events.length === 0) return
      await writeEffects(db, db, { effects: { events }, now: 0 }) // one statement: atomic by itself
    },

    async listEvents({ after, types, customerId, orderId, limit }) {
      // Only events below the high-water mark: a reader that pages with `after` never skips a
      // `seq` that was handed out earlier but committed later.
      const hw = await eventsHighWater(db, db)
      const values: unknown[] = []
      const where = whereBuilder(values)
      where.add('seq <= $?', hw)
      if (after !== undefined) where.add('seq > $?', after)
      if (types !== undefined) where.add('type = ANY($?::text[])', types)
      if (customerId !== undefined) where.add('customer_id = $?', customerId)
      if (orderId !== undefined) where.add('order_id = $?', orderId)
      values.push(limit)
      const { rows } = await db.query<LoopEventRecord>(
        `SELECT ${eventCols()} FROM ${s}.events ${where} ORDER BY seq LIMIT $${values.length}`,
        values,
      )
      return rows
    },
  }
}
