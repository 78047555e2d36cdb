import type { LoopContext } from '@loopkit/core'
import type { WechatAccessToken } from '../open/access-token.js'
import { oaCall } from './api.js'

/** What {@link importFollowers} did. */
export interface FollowerImport {
  /** Followers seen. */
  followers: number
  /** Customers created for followers the loop did not know. */
  created: number
  /** Known customers whose follow state changed. */
  updated: number
  /** `cgi-bin/user/get` calls made. */
  pages: number
}

/**
 * Imports the account's followers (`cgi-bin/user/get`, up to 10,000 openids a page, following
 * `next_openid` until a page comes back empty): each becomes a customer of the identity provider
 * (created when unknown) marked as following. Re-running it is harmless (a follow already
 * recorded changes nothing).
 *
 * @example
 * ```ts
 * const result = await importFollowers({ tokens: oa.tokens(context), context })
 * ```
 */
export async function importFollowers(input: {
  tokens: WechatAccessToken
  context: Pick<LoopContext, 'storage' | 'now' | 'newId' | 'event'>
  /** `wechatLogin`'s provider id; default `wechat`. */
  provider?: string
}): Promise<FollowerImport> {
  const provider = input.provider ?? 'wechat'
  const { storage } = input.context
  const result: FollowerImport = { followers: 0, created: 0, updated: 0, pages: 0 }
  let next = ''
  for (;;) {
    const page = await oaCall<{ count?: number; data?: { openid?: string[] }; next_openid?: string }>({
      tokens: input.tokens,
      path: 'cgi-bin/user/get',
      query: next ? { next_openid: next } : {},
    })
    result.pages++
    const openids = page.data?.openid ?? []
    if (openids.length === 0) break
    for (const openid of openids) {
      result.followers++
      const now = input.context.now()
      let customer = await storage.findCustomerByIdentity({ provider, subject: openid })
      const known = customer !== null
      if (!customer) {
        const upserted = await storage.upsertCustomer({
          id: input.context.newId('cus'),
          profile: { provider, subject: openid },
          now,
        })
        if (upserted.created) {
          const id = upserted.customer.id
          await storage.appendEvents({
            events: [
              input.context.event('customer.created', { provider, referredBy: null }, { customerId: id }),
            ],
          })
        }
        customer = upserted.customer
        if (upserted.created) result.created++
      }
      const { changed } = await storage.recordActivity({ customerId: customer.id, followed: true, now })
      if (changed && known) result.updated++
    }
    if (!page.next_openid || page.next_openid === next) break
    next = page.next_openid
  }
  return result
}
