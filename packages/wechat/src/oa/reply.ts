import { encryptMessage } from './crypto.js'
import { messageSignature } from './signature.js'
import { cdata } from './xml.js'

/** A passive reply to a push (reference §4): the HTTP answer, sent back to the user. */
export type PassiveReply =
  | { type: 'text'; content: string }
  | { type: 'image'; mediaId: string }
  | { type: 'news'; articles: Array<{ title: string; description?: string; picUrl?: string; url?: string }> }

/**
 * The reply XML for a push from `openid` to the account `account` (`gh_…`): the reply goes to the
 * sender and carries the account as its `FromUserName`.
 *
 * @example
 * ```ts
 * replyXml({ openid: push.openid, account: push.account, now: Date.now(), reply: { type: 'text', content: '欢迎' } })
 * ```
 */
export function replyXml(input: {
  openid: string
  account: string
  now: number
  reply: PassiveReply
}): string {
  const { reply } = input
  const head = `<ToUserName>${cdata(input.openid)}</ToUserName><FromUserName>${cdata(input.account)}</FromUserName><CreateTime>${Math.floor(input.now / 1000)}</CreateTime><MsgType>${cdata(reply.type)}</MsgType>`
  switch (reply.type) {
    case 'text':
      return `<xml>${head}<Content>${cdata(reply.content)}</Content></xml>`
    case 'image':
      return `<xml>${head}<Image><MediaId>${cdata(reply.mediaId)}</MediaId></Image></xml>`
    case 'news': {
      // WeChat shows at most 8 articles (1 when replying to a user's message); extras are dropped.
      const items = reply.articles
        .slice(0, 8)
        .map(
          (a) =>
            `<item><Title>${cdata(a.title)}</Title><Description>${cdata(a.description ?? '')}</Description><PicUrl>${cdata(a.picUrl ?? '')}</PicUrl><Url>${cdata(a.url ?? '')}</Url></item>`,
        )
      return `<xml>${head}<ArticleCount>${items.length}</ArticleCount><Articles>${items.join('')}</Articles></xml>`
    }
  }
}

/**
 * The safe-mode envelope of a reply (reference §2.5): `Encrypt`, `MsgSignature` over
 * `token, TimeStamp, Nonce, Encrypt`, `TimeStamp` and `Nonce` (the request's nonce echoed).
 *
 * @example
 * ```ts
 * const body = encryptedReply({ token, key, appid, xml, timestamp: '1713424427', nonce })
 * ```
 */
export function encryptedReply(input: {
  token: string
  key: Buffer
  appid: string
  xml: string
  timestamp: string
  nonce: string
  random?: Buffer
}): string {
  const encrypt = encryptMessage({
    key: input.key,
    appid: input.appid,
    message: input.xml,
    ...(input.random ? { random: input.random } : {}),
  })
  const signature = messageSignature({ values: [input.token, input.timestamp, input.nonce, encrypt] })
  return `<xml><Encrypt>${cdata(encrypt)}</Encrypt><MsgSignature>${cdata(signature)}</MsgSignature><TimeStamp>${input.timestamp}</TimeStamp><Nonce>${cdata(input.nonce)}</Nonce></xml>`
}
