import type { StorageAdapter } from '@loopkit/core'
import type { Db } from './_internal/db.js'
import { insertEvents } from './_internal/effects.js'
import { type EventRow, toEvent } from './_internal/rows.js'

type EventOps = Pick<StorageAdapter, 'appendEvents' | 'listEvents'>

export function eventOps(db: Db): EventOps {
  const append = db.tx((input: Parameters<StorageAdapter['appendEvents']>[0]) =>
    insertEvents(db, input.events),
  )

  return {
    async appendEvents(input) {
      await append(input)
    },
    async listEvents({ after, types, customerId, orderId, limit }) {
      return db.read(() => {
        const where = ['seq > ?']
        const params: unknown[] = [after ?? 0]
        if (types) {
          where.push(`type IN (${types.map(() => '?').join(', ') || 'NULL'})`)
          params.push(...types)
        }
        if (customerId !== undefined) {
          where.push('customer_id = ?')
          params.push(customerId)
        }
        if (orderId !== undefined) {
          where.push('order_id = ?')
          params.push(orderId)
        }
        const sql = `SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`
        return (db.q(sql).all(...params, Math.max(0, limit)) as EventRow[]).map(toEvent)
      })
    },
  }
}
