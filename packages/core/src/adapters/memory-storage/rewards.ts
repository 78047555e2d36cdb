import type { StorageAdapter } from '../../contracts/storage.js'
import type { Reward } from '../../domain/share.js'
import { loopError } from '../../errors.js'
import { copy, key, type MemoryState, writeEffects } from './state.js'

type RewardOps = Pick<StorageAdapter, 'createReward' | 'transitionReward' | 'clawBackReward' | 'listRewards'>

export function rewardOps(state: MemoryState, scope: string): RewardOps {
  return {
    async createReward({ reward, capTotal, effects }) {
      const k = key(reward.sharerId, reward.orderId)
      const existing = state.rewardKeys.get(k)
      if (existing !== undefined) return { reward: copy(state.rewards.get(existing)!), created: false }
      if (!Number.isSafeInteger(reward.amount) || reward.amount < 0) {
        throw loopError(
          scope,
          'invalid_input',
          `Reward amount must be a non-negative integer, got ${reward.amount}.`,
        )
      }
      if (state.rewards.has(reward.id))
        throw loopError(scope, 'conflict', `Reward \`${reward.id}\` already exists.`)
      const stored = { ...copy(reward), clawedBack: 0 }
      if (capTotal !== undefined) {
        let used = 0
        for (const r of state.rewards.values()) {
          if (
            r.sharerId === reward.sharerId &&
            r.currency === reward.currency &&
            r.status !== 'clawed_back'
          ) {
            used += r.amount - r.clawedBack
          }
        }
        const left = capTotal - used
        if (left <= 0) return { reward: null, created: false }
        stored.amount = Math.min(stored.amount, left)
      }
      state.rewards.set(stored.id, stored)
      state.rewardKeys.set(k, stored.id)
      writeEffects(state, typeof effects === 'function' ? effects(copy(stored)) : effects, reward.createdAt)
      return { reward: copy(stored), created: true }
    },

    async transitionReward({ id, from, to, now, effects }) {
      const reward = state.rewards.get(id)
      if (!reward) return { reward: null, changed: false }
      if (!from.includes(reward.status)) return { reward: copy(reward), changed: false }
      reward.status = to
      reward.updatedAt = now
      writeEffects(state, effects, now)
      return { reward: copy(reward), changed: true }
    },

    async clawBackReward({ id, clawedBack, now, effects }) {
      const reward = state.rewards.get(id)
      if (!reward) return { reward: null, changed: false }
      const target = Math.min(Math.max(0, Math.floor(clawedBack)), reward.amount)
      if (reward.status !== 'held' || target <= reward.clawedBack)
        return { reward: copy(reward), changed: false }
      const before = copy(reward)
      reward.clawedBack = target
      if (target === reward.amount) reward.status = 'clawed_back'
      reward.updatedAt = now
      writeEffects(state, typeof effects === 'function' ? effects(copy(reward), before) : effects, now)
      return { reward: copy(reward), changed: true }
    },

    async listRewards({ sharerId, orderId, status, dueBefore, limit }) {
      const out: Reward[] = []
      for (const r of state.rewards.values()) {
        if (sharerId !== undefined && r.sharerId !== sharerId) continue
        if (orderId !== undefined && r.orderId !== orderId) continue
        if (status !== undefined && r.status !== status) continue
        if (dueBefore !== undefined && r.releaseAt > dueBefore) continue
        out.push(r)
      }
      out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
      return out.slice(0, Math.max(0, limit)).map(copy)
    },
  }
}
