import { type LoopContext, loopError } from '@loopkit/core'
import type { WechatAccessToken } from '../open/access-token.js'
import { oaCall } from './api.js'

/** WeChat tags a user at most 20 times. */
export const MAX_TAGS_PER_USER = 20
/** WeChat accepts at most 50 openids per tagging batch. */
export const TAG_BATCH = 50

/** A user tag of the official account. */
export interface OfficialAccountTag {
  id: number
  name: string
  /** Followers with the tag. */
  count: number
}

/**
 * The account's tags (`cgi-bin/tags/*`) with WeChat's limits checked before the call: names ≤ 30
 * bytes, batches of 50 openids (larger lists are split).
 *
 * @example
 * ```ts
 * const tags = wechatTags({ tokens })
 * const vip = await tags.create({ name: 'vip' })
 * await tags.tag({ tagId: vip.id, openids })
 * ```
 */
export function wechatTags(input: { tokens: WechatAccessToken }) {
  const { tokens } = input
  const checkName = (name: string) => {
    const bytes = Buffer.byteLength(name, 'utf8')
    if (bytes < 1 || bytes > 30)
      throw loopError('wechat', 'invalid_input', `A tag name is 1–30 bytes; this one is ${bytes}.`)
  }
  const batches = async (path: string, tagId: number, openids: string[]) => {
    for (let i = 0; i < openids.length; i += TAG_BATCH)
      await oaCall({ tokens, path, json: { openid_list: openids.slice(i, i + TAG_BATCH), tagid: tagId } })
  }
  return {
    async list(): Promise<OfficialAccountTag[]> {
      const answer = await oaCall<{ tags?: OfficialAccountTag[] }>({ tokens, path: 'cgi-bin/tags/get' })
      return (answer.tags ?? []).map((t) => ({ id: t.id, name: t.name, count: t.count ?? 0 }))
    },
    async create({ name }: { name: string }): Promise<OfficialAccountTag> {
      checkName(name)
      const answer = await oaCall<{ tag: { id: number; name: string } }>({
        tokens,
        path: 'cgi-bin/tags/create',
        json: { tag: { name } },
      })
      return { id: answer.tag.id, name: answer.tag.name, count: 0 }
    },
    async rename({ tagId, name }: { tagId: number; name: string }): Promise<void> {
      checkName(name)
      await oaCall({ tokens, path: 'cgi-bin/tags/update', json: { tag: { id: tagId, name } } })
    },
    async remove({ tagId }: { tagId: number }): Promise<void> {
      await oaCall({ tokens, path: 'cgi-bin/tags/delete', json: { tag: { id: tagId } } })
    },
    tag: ({ tagId, openids }: { tagId: number; openids: string[] }) =>
      batches('cgi-bin/tags/members/batchtagging', tagId, openids),
    untag: ({ tagId, openids }: { tagId: number; openids: string[] }) =>
      batches('cgi-bin/tags/members/batchuntagging', tagId, openids),
    async tagsOf({ openid }: { openid: string }): Promise<number[]> {
      const answer = await oaCall<{ tagid_list?: number[] }>({
        tokens,
        path: 'cgi-bin/tags/getidlist',
        json: { openid },
      })
      return answer.tagid_list ?? []
    },
  }
}

/** What {@link syncCustomerTags} changed. */
export interface TagSyncResult {
  /** Loop tags now set on WeChat. */
  pushed: string[]
  /** WeChat tags now on the loop customer. */
  pulled: string[]
  /** Loop tags not pushed because WeChat allows 20 per user. */
  skipped: string[]
}

/**
 * Syncs one customer's tags both ways by name: loop tags missing on WeChat are created (if the
 * account has no such tag) and set, WeChat tags missing in the loop are added to the customer.
 * Nothing is removed on either side (a removal cannot be told from "not synced yet"). WeChat's
 * 20-tags-per-user limit is respected: the excess is reported in `skipped`.
 *
 * @example
 * ```ts
 * await syncCustomerTags({ tokens, context: loopContext, customerId, openid })
 * ```
 */
export async function syncCustomerTags(input: {
  tokens: WechatAccessToken
  context: Pick<LoopContext, 'storage' | 'now'>
  customerId: string
  openid: string
}): Promise<TagSyncResult> {
  const tags = wechatTags({ tokens: input.tokens })
  const customer = await input.context.storage.getCustomer({ id: input.customerId })
  if (!customer) throw loopError('wechat', 'not_found', 'No such customer.')
  const all = await tags.list()
  const byId = new Map(all.map((t) => [t.id, t.name]))
  const byName = new Map(all.map((t) => [t.name, t.id]))
  const theirs = (await tags.tagsOf({ openid: input.openid }))
    .map((id) => byId.get(id))
    .filter((n) => n !== undefined)
  const pulled = theirs.filter((name) => !customer.tags.includes(name))
  const missing = customer.tags.filter((name) => !theirs.includes(name))
  const room = Math.max(0, MAX_TAGS_PER_USER - theirs.length)
  const pushed = missing.slice(0, room)
  for (const name of pushed) {
    const id = byName.get(name) ?? (await tags.create({ name })).id
    await tags.tag({ tagId: id, openids: [input.openid] })
  }
  if (pulled.length > 0)
    await input.context.storage.updateCustomer({ id: customer.id, addTags: pulled, now: input.context.now() })
  return { pushed, pulled, skipped: missing.slice(room) }
}
