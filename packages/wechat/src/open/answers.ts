import { answerSchema as z } from '@loopkit/core/kit'

// The JSON answers of the api.weixin.qq.com calls the adapters read, as WeChat documents them.
// Built with core's zod/mini (`answerSchema`), so this package ships no second copy of zod.
// `z.object` keeps the fields read and drops the rest, so a field WeChat adds later changes
// nothing. Error answers (`errcode` ≠ 0) never reach these.

const nonEmpty = z.string().check(z.minLength(1))
const seconds = z.int().check(z.minimum(1))

/** `cgi-bin/token`, `cgi-bin/stable_token`. */
export const tokenAnswer = z.object({ access_token: nonEmpty, expires_in: seconds })

/** `cgi-bin/ticket/getticket`. */
export const ticketAnswer = z.object({ ticket: nonEmpty, expires_in: seconds })

/** `sns/jscode2session`. */
export const sessionAnswer = z.object({
  openid: nonEmpty,
  session_key: z.optional(z.string()),
  unionid: z.optional(nonEmpty),
})

/** `sns/oauth2/access_token`. */
export const oauthAnswer = z.object({
  access_token: nonEmpty,
  openid: nonEmpty,
  scope: z.optional(z.string()),
  unionid: z.optional(nonEmpty),
  is_snapshotuser: z.optional(z.number()),
})

/** `sns/userinfo`. */
export const userinfoAnswer = z.object({
  nickname: z.optional(z.string()),
  headimgurl: z.optional(z.string()),
  unionid: z.optional(nonEmpty),
})

/** `cgi-bin/message/template/send`, `cgi-bin/message/subscribe/send`. */
export const sendAnswer = z.object({ msgid: z.optional(z.union([z.number(), z.string()])) })
