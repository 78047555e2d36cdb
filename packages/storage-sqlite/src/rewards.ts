import type { StorageAdapter } from '@loopkit/core'
import { loopError } from '@loopkit/core'
import { type Db, SCOPE } from './_internal/db.js'
import { writeEffects } from './_internal/effects.js'
import { type RewardRow, toReward } from './_internal/rows.js'

type RewardOps = Pick<StorageAdapter, 'createReward' | 'transitionReward' | 'clawBackReward' | 'listRewards'>

const USED = `SELECT COALESCE(SUM(amount - clawed_back), 0) AS used FROM rewards
  WHERE sharer_id = ? AND currency = ? AND status IN ('held', 'released')`
const INSERT = `INSERT INTO rewards (id, sharer_id, order_id, kind, amount, currency, coupon, status, release_at, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

export function rewardOps(db: Db): RewardOps {
  const byId = (id: string) => {
    const row = db.q('SELECT * FROM rewards WHERE id = ?').get(id) as RewardRow | undefined
    return row ? toReward(row) : null
  }

  const create = db.tx((input: Parameters<StorageAdapter['createReward']>[0]) => {
    const r = { ...input.reward, clawedBack: 0 }
    const existing = db
      .q('SELECT * FROM rewards WHERE sharer_id = ? AND order_id = ?')
      .get(r.sharerId, r.orderId) as RewardRow | undefined
    if (existing) return { reward: toReward(existing), created: false }
    if (!Number.isSafeInteger(r.amount) || r.amount < 0) {
      throw loopError(
        SCOPE,
        'invalid_input',
        `Reward amount must be a non-negative integer, got ${r.amount}.`,
      )
    }
    if (input.capTotal !== undefined) {
      const { used } = db.q(USED).get(r.sharerId, r.currency) as { used: number }
      const left = input.capTotal - used
      if (left <= 0) return { reward: null, created: false }
      r.amount = Math.min(r.amount, left)
    }
    db.q(INSERT).run(
      r.id,
      r.sharerId,
      r.orderId,
      r.kind,
      r.amount,
      r.currency,
      r.coupon,
      r.status,
      r.releaseAt,
      r.createdAt,
      r.updatedAt,
    )
    const effects = typeof input.effects === 'function' ? input.effects({ ...r }) : input.effects
    writeEffects(db, effects, r.createdAt)
    return { reward: r, created: true }
  })

  const transition = db.tx((input: Parameters<StorageAdapter['transitionReward']>[0]) => {
    const reward = byId(input.id)
    if (!reward) return { reward: null, changed: false }
    if (!input.from.includes(reward.status)) return { reward, changed: false }
    reward.status = input.to
    reward.updatedAt = input.now
    db.q('UPDATE rewards SET status = ?, updated_at = ? WHERE id = ?').run(
      reward.status,
      reward.updatedAt,
      reward.id,
    )
    writeEffects(db, input.effects, input.now)
    return { reward, changed: true }
  })

  const clawBack = db.tx((input: Parameters<StorageAdapter['clawBackReward']>[0]) => {
    const before = byId(input.id)
    if (!before) return { reward: null, changed: false }
    const target = Math.min(Math.max(0, Math.floor(input.clawedBack)), before.amount)
    if (before.status !== 'held' || target <= before.clawedBack) return { reward: before, changed: false }
    const reward = {
      ...before,
      clawedBack: target,
      status: target === before.amount ? ('clawed_back' as const) : before.status,
      updatedAt: input.now,
    }
    db.q('UPDATE rewards SET clawed_back = ?, status = ?, updated_at = ? WHERE id = ?').run(
      reward.clawedBack,
      reward.status,
      reward.updatedAt,
      reward.id,
    )
    const effects = typeof input.effects === 'function' ? input.effects({ ...reward }, before) : input.effects
    writeEffects(db, effects, input.now)
    return { reward, changed: true }
  })

  return {
    async clawBackReward(input) {
      return clawBack(input)
    },
    async createReward(input) {
      return create(input)
    },
    async transitionReward(input) {
      return transition(input)
    },
    async listRewards({ sharerId, orderId, status, dueBefore, limit }) {
      return db.read(() => {
        const where: string[] = []
        const params: unknown[] = []
        const add = (clause: string, value: unknown) => {
          where.push(clause)
          params.push(value)
        }
        if (sharerId !== undefined) add('sharer_id = ?', sharerId)
        if (orderId !== undefined) add('order_id = ?', orderId)
        if (status !== undefined) add('status = ?', status)
        if (dueBefore !== undefined) add('release_at <= ?', dueBefore)
        const sql = `SELECT * FROM rewards ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id LIMIT ?`
        return (db.q(sql).all(...params, Math.max(0, limit)) as RewardRow[]).map(toReward)
      })
    },
  }
}
