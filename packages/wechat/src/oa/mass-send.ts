import { loopError } from '@loopkit/core'
import type { WechatAccessToken } from '../open/access-token.js'
import { oaCall } from './api.js'

/** A mass-send message: text, or an article (`mpnews`, from the draft box) by media id. */
export type MassMessage = { type: 'text'; content: string } | { type: 'mpnews'; mediaId: string }

/** A submitted mass send: its result arrives later as the `wechat.mass_send_finished` event. */
export interface MassSendResult {
  /** WeChat's job id (a string: ids may exceed 2^53). */
  msgId: string
  /** True when WeChat had already sent this `clientMsgId` (45065) and answered the first job's id. */
  duplicate: boolean
}

const content = (m: MassMessage) =>
  m.type === 'text'
    ? { msgtype: 'text', text: { content: m.content } }
    : { msgtype: 'mpnews', mpnews: { media_id: m.mediaId }, send_ignore_reprint: 0 }

function checkClientMsgId(id: string): void {
  // 32 bytes is the stricter of the two published limits (64 in the classic doc).
  if (!/^[\x21-\x7e]{1,32}$/.test(id))
    throw loopError('wechat', 'invalid_input', '`clientMsgId` must be 1–32 printable ASCII characters.')
}

const idOf = (answer: { msg_id?: unknown }): string => {
  if (typeof answer.msg_id !== 'number' && typeof answer.msg_id !== 'string')
    throw loopError('wechat', 'provider_error', 'The mass send answered without a msg_id.', {
      retryable: false,
    })
  return String(answer.msg_id)
}

/**
 * The official account's mass send (群发) for campaigns: by tag (or to all followers), to an
 * openid list (2–10,000), and a preview to one follower. Every send takes a `clientMsgId` — WeChat
 * refuses a second job with the same id within 24 h and answers the first one's `msg_id`, which
 * this returns as `duplicate: true`, so a campaign retried after a timeout never sends twice.
 * Quota answers are permanent until the period turns: `quota_exceeded` (45028).
 *
 * @example
 * ```ts
 * const mass = wechatMassSend({ tokens })
 * const { msgId } = await mass.byTag({ tagId: 134, message: { type: 'text', content: '上新了' }, clientMsgId: 'cmp_42' })
 * ```
 */
export function wechatMassSend(input: { tokens: WechatAccessToken }) {
  const { tokens } = input
  const send = async (path: string, body: Record<string, unknown>): Promise<MassSendResult> => {
    const answer = await oaCall<{ msg_id?: unknown }>({ tokens, path, json: body, accept: [45065] })
    return { msgId: idOf(answer), duplicate: answer.errcode === 45065 }
  }
  return {
    async byTag(args: {
      tagId: number | 'all'
      message: MassMessage
      clientMsgId: string
    }): Promise<MassSendResult> {
      checkClientMsgId(args.clientMsgId)
      const filter = args.tagId === 'all' ? { is_to_all: true } : { is_to_all: false, tag_id: args.tagId }
      return send('cgi-bin/message/mass/sendall', {
        filter,
        ...content(args.message),
        clientmsgid: args.clientMsgId,
      })
    },
    async toOpenids(args: {
      openids: string[]
      message: MassMessage
      clientMsgId: string
    }): Promise<MassSendResult> {
      checkClientMsgId(args.clientMsgId)
      const openids = [...new Set(args.openids)]
      if (openids.length < 2 || openids.length > 10_000)
        throw loopError(
          'wechat',
          'invalid_input',
          `A mass send by openid takes 2–10,000 openids; got ${openids.length}.`,
        )
      return send('cgi-bin/message/mass/send', {
        touser: openids,
        ...content(args.message),
        clientmsgid: args.clientMsgId,
      })
    },
    async preview(args: { openid: string; message: MassMessage }): Promise<void> {
      await oaCall({
        tokens,
        path: 'cgi-bin/message/mass/preview',
        json: { touser: args.openid, ...content(args.message) },
      })
    },
  }
}

/** The mass-send functions {@link wechatMassSend} returns. */
export type WechatMassSend = ReturnType<typeof wechatMassSend>
