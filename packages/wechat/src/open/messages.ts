import { createHash } from 'node:crypto'
import {
  type Customer,
  identityFor,
  loopError,
  type MessagingAdapter,
  type RenderedMessage,
} from '@loopkit/core'
import { parseAnswer } from '../_internal/parse-answer.js'
import type { WechatAccessToken } from './access-token.js'
import { sendAnswer } from './answers.js'
import { checkTemplates, renderTemplate, type WechatTemplate } from './templates.js'

export type { WechatTemplate, WechatTemplateField } from './templates.js'

/** Options of {@link wechatMessages}. */
export interface WechatMessagesOptions {
  /** The channel name; default `wechat`. */
  id?: string
  /** Needed for `kind: 'template'`: the official account's tokens and identity provider (default `wechat`). */
  officialAccount?: { tokens: WechatAccessToken; identity?: string }
  /** Needed for `kind: 'subscribe'`: the mini-program's tokens and identity provider (default `wechat-mp`). */
  miniProgram?: {
    tokens: WechatAccessToken
    identity?: string
    state?: 'developer' | 'trial' | 'formal'
    lang?: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW'
  }
  /** One template per topic (`order.paid`, …). Topics without one are not sent on this channel. */
  templates: Record<string, WechatTemplate>
}

/** The channel {@link wechatMessages} returns: a `MessagingAdapter` plus `topicFor`. */
export interface WechatMessaging extends MessagingAdapter {
  /** The topic whose subscribe template is `templateId`, to record a `wx.requestSubscribeMessage` acceptance. */
  topicFor(input: { templateId: string }): string | null
}

// WeChat dedupes `openid + client_msg_id` for 10 minutes. Outbox keys are short and safe as they
// are; anything else is hashed to a stable 32-character id.
const clientMsgId = (dedupeKey: string) =>
  /^[\w.:-]{1,64}$/.test(dedupeKey)
    ? dedupeKey
    : createHash('sha256').update(dedupeKey).digest('hex').slice(0, 32)

/**
 * WeChat notifications: official-account template messages and mini-program subscribe messages,
 * one template per topic with typed keywords. `validate` applies WeChat's keyword rules (a `thing`
 * is at most 20 characters, an `amount` is `¥12.80`, …) so a message WeChat would refuse with
 * 47003 fails as `message_invalid` before it is queued. Subscribe templates need a one-time consent
 * per send (`consentFor`); WeChat's 43101 becomes `recipient_refused`, which revokes it.
 *
 * @example
 * ```ts
 * const messages = wechatMessages({
 *   miniProgram: { tokens: wechatAccessToken({ appid: 'wxmp123', secret, storage }) },
 *   templates: {
 *     'order.paid': {
 *       kind: 'subscribe', templateId: 'tmpl_paid', page: 'pages/orders/index',
 *       fields: { thing1: { type: 'thing', from: 'title', truncate: true }, amount2: { type: 'amount', from: 'amount' } },
 *     },
 *   },
 * })
 * ```
 */
export function wechatMessages(options: WechatMessagesOptions): WechatMessaging {
  checkTemplates(options)
  const id = options.id ?? 'wechat'
  const oaIdentity = options.officialAccount?.identity ?? 'wechat'
  const mpIdentity = options.miniProgram?.identity ?? 'wechat-mp'
  const kinds = new Set(Object.values(options.templates).map((t) => t.kind))

  function templateFor(message: RenderedMessage): WechatTemplate {
    const template = options.templates[message.topic]
    if (!template)
      throw loopError('wechat', 'message_invalid', `No WeChat template for topic \`${message.topic}\`.`)
    return template
  }

  const pick = (value: string | ((m: RenderedMessage) => string) | undefined, message: RenderedMessage) =>
    typeof value === 'function' ? value(message) : value

  function recipient(customer: Customer, provider: string, topic: string): string {
    const identity = identityFor(customer, provider)
    if (!identity)
      throw loopError(
        'wechat',
        'not_found',
        `The customer has no \`${provider}\` identity to receive \`${topic}\`.`,
      )
    return identity.subject
  }

  return {
    id,
    canReach({ customer, message }) {
      if (message) {
        // This message: its topic needs a template here, and the identity that template sends to.
        const template = options.templates[message.topic]
        if (!template) return false
        return identityFor(customer, template.kind === 'template' ? oaIdentity : mpIdentity) !== null
      }
      return (
        (kinds.has('template') && identityFor(customer, oaIdentity) !== null) ||
        (kinds.has('subscribe') && identityFor(customer, mpIdentity) !== null)
      )
    },
    consentFor({ message }) {
      return options.templates[message.topic]?.kind === 'subscribe' ? { topic: message.topic } : null
    },
    validate({ message }) {
      renderTemplate(templateFor(message), message)
    },
    topicFor({ templateId }) {
      const found = Object.entries(options.templates).find(
        ([, t]) => t.kind === 'subscribe' && t.templateId === templateId,
      )
      return found ? found[0] : null
    },
    async send({ customer, message, dedupeKey }) {
      const template = templateFor(message)
      const data = renderTemplate(template, message)
      let answer: unknown
      if (template.kind === 'template') {
        const oa = options.officialAccount!
        const miniprogram = template.miniprogram
          ? { appid: template.miniprogram.appid, pagepath: pick(template.miniprogram.pagepath, message)! }
          : undefined
        answer = await oa.tokens.call({
          method: 'POST',
          path: 'cgi-bin/message/template/send',
          json: {
            touser: recipient(customer, oaIdentity, message.topic),
            template_id: template.templateId,
            ...(message.url ? { url: message.url } : {}),
            ...(miniprogram ? { miniprogram } : {}),
            client_msg_id: clientMsgId(dedupeKey),
            data,
          },
        })
      } else {
        const mp = options.miniProgram!
        const page = pick(template.page, message)
        answer = await mp.tokens.call({
          method: 'POST',
          path: 'cgi-bin/message/subscribe/send',
          json: {
            touser: recipient(customer, mpIdentity, message.topic),
            template_id: template.templateId,
            ...(page ? { page } : {}),
            data,
            miniprogram_state: mp.state ?? 'formal',
            lang: mp.lang ?? 'zh_CN',
          },
        })
      }
      // Not retryable: WeChat said the send went through, and a subscribe send has no dedupe key.
      const { msgid } = parseAnswer(sendAnswer, answer, `${template.kind} message send`, { retryable: false })
      return { providerMessageId: msgid === undefined ? null : String(msgid) }
    },
  }
}
