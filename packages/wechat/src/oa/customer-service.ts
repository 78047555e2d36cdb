import { identityFor, type MessagingAdapter } from '@loopkit/core'
import type { WechatAccessToken } from '../open/access-token.js'
import { oaCall } from './api.js'

/**
 * Customer-service messages (客服消息, `cgi-bin/message/custom/send`) as a messaging channel:
 * free text to a customer inside WeChat's interaction window (a message opens 5 sends for 48 h; a
 * follow, scan or menu click 3 for a minute). Outside it WeChat answers 45015 and a spent window
 * 45047: both fail permanently with `window_closed`, so the dispatcher dead-letters instead of
 * retrying a send that cannot succeed until the customer writes again.
 *
 * @example
 * ```ts
 * const loop = createLoop({ messaging: [wechatCustomerService({ tokens })], … })
 * ```
 */
export function wechatCustomerService(input: {
  tokens: WechatAccessToken
  /** The channel name; default `wechat-cs`. */
  id?: string
  /** `wechatLogin`'s provider id, whose subject is the openid; default `wechat`. */
  provider?: string
}): MessagingAdapter {
  const provider = input.provider ?? 'wechat'
  return {
    id: input.id ?? 'wechat-cs',
    canReach: ({ customer }) => identityFor(customer, provider) !== null,
    async send({ customer, message }) {
      const openid = identityFor(customer, provider)?.subject
      const text = [message.title, message.body, message.url].filter(Boolean).join('\n')
      await oaCall({
        tokens: input.tokens,
        path: 'cgi-bin/message/custom/send',
        json: { touser: openid, msgtype: 'text', text: { content: text } },
      })
      // custom/send answers no message id.
      return { providerMessageId: null }
    },
  }
}
