import type { Reward, StorageAdapter } from '@loopkit/core'
import { rewardCols } from './_internal/columns.js'
import type { Db } from './_internal/db.js'
import { whereBuilder } from './_internal/db.js'
import { effectsCtes, Params, withEffects } from './_internal/effects.js'
import { lockKey } from './customers.js'

type Ops = Pick<StorageAdapter, 'createReward' | 'transitionReward' | 'clawBackReward' | 'listRewards'>

export function rewardOps(db: Db): Ops {
  const { s } = db
  return {
    async createReward({ reward: r, capTotal, effects }) {
      return db.tx(async (q) => {
        // One sharer's rewards are decided one at a time (across processes), so two referred
        // orders paid at the same instant cannot both take the last of the cap.
        await lockKey(q, `loopkit:${db.schema}:rewards:${r.sharerId}`)
        const { rows } = await q.query<Reward & { used: number }>(
          `SELECT (SELECT coalesce(sum(amount - clawed_back), 0) FROM ${s}.rewards
                     WHERE sharer_id = $1 AND currency = $3 AND status IN ('held', 'released')) AS used,
                  ${rewardCols('w.')}
           FROM (SELECT 1) AS one LEFT JOIN ${s}.rewards w ON w.sharer_id = $1 AND w.order_id = $2`,
          [r.sharerId, r.orderId, r.currency],
        )
        const { used, ...existing } = rows[0]!
        if (existing.id !== null) return { reward: existing as Reward, created: false }
        let amount = r.amount
        if (capTotal !== undefined) {
          const left = capTotal - used
          if (left <= 0) return { reward: null, created: false }
          amount = Math.min(amount, left)
        }
        const reward: Reward = { ...r, amount, clawedBack: 0 }
        const p = new Params()
        const w = reward
        const ins = `ins AS (
          INSERT INTO ${s}.rewards
            (id, sharer_id, order_id, kind, amount, currency, coupon, status, release_at, created_at, updated_at)
          VALUES (${p.list([w.id, w.sharerId, w.orderId, w.kind, w.amount, w.currency, w.coupon, w.status, w.releaseAt, w.createdAt, w.updatedAt])})
          RETURNING 1)`
        const resolved = typeof effects === 'function' ? effects({ ...reward }) : effects
        const fx = effectsCtes(p, db, {
          effects: resolved,
          now: w.createdAt,
          when: 'EXISTS (SELECT 1 FROM ins)',
        })
        await q.query(`${withEffects(ins, fx)} SELECT 1`, p.values)
        return { reward, created: true }
      })
    },

    async transitionReward({ id, from, to, now, effects }) {
      const p = new Params()
      const moved = `moved AS (
        UPDATE ${s}.rewards SET status = ${p.add(to)}::text, updated_at = ${p.add(now)}::bigint
        WHERE id = ${p.add(id)} AND status = ANY(${p.add(from)}::text[])
        RETURNING ${rewardCols()})`
      const fx = effectsCtes(p, db, { effects, now, when: 'EXISTS (SELECT 1 FROM moved)' })
      const { rows } = await db.query<Reward>(`${withEffects(moved, fx)} SELECT * FROM moved`, p.values)
      if (rows[0]) return { reward: rows[0], changed: true }
      const current = await db.query<Reward>(`SELECT ${rewardCols()} FROM ${s}.rewards WHERE id = $1`, [id])
      return { reward: current.rows[0] ?? null, changed: false }
    },

    async clawBackReward({ id, clawedBack, now, effects }) {
      return db.tx(async (q) => {
        const locked = await q.query<Reward>(
          `SELECT ${rewardCols()} FROM ${s}.rewards WHERE id = $1 FOR UPDATE`,
          [id],
        )
        const before = locked.rows[0]
        if (!before) return { reward: null, changed: false }
        const target = Math.min(Math.max(0, Math.floor(clawedBack)), before.amount)
        if (before.status !== 'held' || target <= before.clawedBack) return { reward: before, changed: false }
        const reward: Reward = {
          ...before,
          clawedBack: target,
          status: target === before.amount ? 'clawed_back' : before.status,
          updatedAt: now,
        }
        const p = new Params()
        const upd = `upd AS (
          UPDATE ${s}.rewards SET clawed_back = ${p.add(reward.clawedBack)}::bigint,
            status = ${p.add(reward.status)}::text, updated_at = ${p.add(now)}::bigint
          WHERE id = ${p.add(id)} RETURNING 1)`
        const resolved = typeof effects === 'function' ? effects({ ...reward }, before) : effects
        const fx = effectsCtes(p, db, { effects: resolved, now, when: 'EXISTS (SELECT 1 FROM upd)' })
        await q.query(`${withEffects(upd, fx)} SELECT 1`, p.values)
        return { reward, changed: true }
      })
    },

    async listRewards({ sharerId, orderId, status, dueBefore, limit }) {
      const values: unknown[] = []
      const where = whereBuilder(values)
      if (sharerId !== undefined) where.add('sharer_id = $?', sharerId)
      if (orderId !== undefined) where.add('order_id = $?', orderId)
      if (status !== undefined) where.add('status = $?', status)
      if (dueBefore !== undefined) where.add('release_at <= $?', dueBefore)
      values.push(limit)
      const { rows } = await db.query<Reward>(
        `SELECT ${rewardCols()} FROM ${s}.rewards ${where} ORDER BY release_at, seq LIMIT $${values.length}`,
        values,
      )
      return rows
    },
  }
}
