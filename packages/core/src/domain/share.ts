/** A customer sharing something (a SKU, or the shop) on a channel. */
export interface Share {
  id: string
  customerId: string
  skuId: string | null
  /** Where the link leads after the visit is recorded: a path on the host app. */
  target: string
  channel: string | null
  createdAt: number
}

/** Someone opening a share link. `visitorKey` is the browser; `customerId` once they log in. */
export interface Visit {
  id: string
  shareId: string
  sharerId: string
  visitorKey: string
  customerId: string | null
  at: number
}

/** A reward is held until its refund window closes, then released — or clawed back by a refund. */
export type RewardStatus = 'held' | 'released' | 'clawed_back'

/** What a sharer earns for a referred, paid order. */
export interface Reward {
  id: string
  sharerId: string
  orderId: string
  kind: 'amount' | 'coupon'
  /** Minor units; 0 for a coupon. */
  amount: number
  /**
   * Minor units of `amount` taken back by refunds of the order (partial refunds claw back in
   * proportion); what the sharer keeps is `amount - clawedBack`.
   */
  clawedBack: number
  currency: string
  coupon: string | null
  status: RewardStatus
  /** When a held reward becomes final (the refund window closes). */
  releaseAt: number
  createdAt: number
  updatedAt: number
}
