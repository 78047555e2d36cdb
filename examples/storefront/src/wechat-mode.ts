import type { ModeAdapters } from './mode.js'

export async function wechatSimMode(_options: { log: (line: string) => void; origin: string }): Promise<ModeAdapters> {
  throw new Error('[loopkit] [storefront] wechat-sim mode: work in progress')
}
