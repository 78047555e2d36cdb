import { createHash } from 'node:crypto'
import { type Customer, loopError, type MessagingAdapter, type RenderedMessage } from '@loopkit/core'
import type { WechatAccessToken } from '../open/access-token.js'
import { type MassMessage, wechatMassSend } from './mass-send.js'

/** Options of {@link wechatMassSendChannel}. */
export interface WechatMassSendChannelOptions {
  /** The official account's tokens (`oa.tokens({ storage })`). */
  tokens: WechatAccessToken
  /** The channel id a campaign's plan names. Default `wechat-mass`. */
  id?: string
  /** The identity provider whose subject is the official account's openid. Default `wechat`. */
  identity?: string
  /** How a campaign message becomes a mass message. Default: text, the title, body and link on lines of their own. */
  render?: (message: RenderedMessage) => MassMessage
}

/**
 * The broadcast job id a mass send is recorded under: scoped by account, as `MASSSENDJOBFINISH` names it.
 *
 * @example
 * ```ts
 * massJobId('wx123', '1000001') // 'wechat-mass:wx123:1000001'
 * ```
 */
export const massJobId = (appid: string, msgId: string): string => `wechat-mass:${appid}:${msgId}`

/**
 * WeChat's `clientmsgid` for a campaign batch key: the key itself when it is 1–32 printable ASCII
 * characters, else a digest of it (the same key, the same id, so a retry still dedupes).
 *
 * @example
 * ```ts
 * clientMsgIdOf('cmp_42-1000') // 'cmp_42-1000'
 * clientMsgIdOf('a-campaign-id-longer-than-thirty-two-bytes-0') // 'lk' + 30 characters of its SHA-256
 * ```
 */
export function clientMsgIdOf(key: string): string {
  if (/^[\x21-\x7e]{1,32}$/.test(key)) return key
  return `lk${createHash('sha256').update(key).digest('base64url').slice(0, 30)}`
}

const defaultRender = (m: RenderedMessage): MassMessage => ({
  type: 'text',
  content: [m.title, m.body, m.url].filter(Boolean).join('\n'),
})

/**
 * The official account's mass send (群发) as a campaign channel: a campaign batch's followers go
 * out in one `message/mass/send` to their openids (2–10,000), under a `clientmsgid` derived from
 * the batch, so a fan-out resumed after a crash is answered with the first job (45065) instead of
 * sending twice. The quota refusal (45028, `quota_exceeded`) hands the batch's members to the next
 * channel of the plan. It reaches followers with an openid of this account, for campaign messages
 * only: it never carries one customer's notification (order updates go to per-customer channels).
 * `MASSSENDJOBFINISH` puts the delivery counts on the campaign's report.
 *
 * @example
 * ```ts
 * const oa = wechatOfficialAccount({ appid, secret, token, encodingAesKey, mode: 'safe' })
 * const mass = wechatMassSendChannel({ tokens: oa.tokens({ storage }) })
 * const loop = createLoop({ secret, baseUrl, storage, plugins: [oa], messaging: [mass, templates] })
 * await loop.campaigns.create({ audience: 'followers', message, channelPlan: { channels: ['wechat-mass', 'wechat'] } })
 * ```
 */
export function wechatMassSendChannel(options: WechatMassSendChannelOptions): MessagingAdapter {
  const provider = options.identity ?? 'wechat'
  const render = options.render ?? defaultRender
  const mass = wechatMassSend({ tokens: options.tokens })
  const openidOf = (customer: Customer) =>
    customer.identities.find((i) => i.provider === provider)?.subject ?? null
  return {
    id: options.id ?? 'wechat-mass',
    canReach: ({ customer, message }) =>
      (!message || message.topic === 'campaign') &&
      customer.followedAt !== null &&
      openidOf(customer) !== null,
    async send() {
      throw loopError('wechat', 'invalid_input', 'Mass send delivers campaign batches, not one message.', {
        retryable: false,
      })
    },
    broadcast: {
      min: 2,
      max: 10_000,
      addressOf: ({ customer }) => openidOf(customer),
      async send({ key, addresses, message }) {
        const r = await mass.toOpenids({
          openids: addresses,
          message: render(message),
          clientMsgId: clientMsgIdOf(key),
        })
        return { jobId: massJobId(options.tokens.appid, r.msgId), duplicate: r.duplicate }
      },
    },
  }
}
