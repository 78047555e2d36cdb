import { fail, jsonBody, ok } from './reply.js'
import { type SimMessage, type SimState, userByOpenid } from './state.js'
import { checkToken } from './tokens.js'

const DEDUPE_MS = 10 * 60_000

/** The simulator checks the rules tests rely on: values present, `thing` ≤ 20 characters. */
function dataProblem(data: unknown): { data: Record<string, string> } | Response {
  if (typeof data !== 'object' || data === null) return fail(47003, 'argument invalid! data is empty')
  const flat: Record<string, string> = {}
  for (const [key, entry] of Object.entries(data as Record<string, unknown>)) {
    const value = (entry as { value?: unknown } | null)?.value
    if (typeof value !== 'string' || value.trim() === '')
      return fail(47003, `argument invalid! data.${key}.value is empty`)
    if (/^thing\d+$/.test(key) && [...value].length > 20)
      return fail(47003, `argument invalid! data.${key}.value invalid`)
    flat[key] = value
  }
  return { data: flat }
}

const isMiniprogram = (v: unknown): v is { appid: string; pagepath: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { appid?: unknown }).appid === 'string' &&
  typeof (v as { pagepath?: unknown }).pagepath === 'string'

function record(state: SimState, message: Omit<SimMessage, 'msgid' | 'at'>): number {
  const msgid = state.nextMsgid++
  state.messages.push({ ...message, msgid, at: state.now() })
  return msgid
}

/**
 * `POST cgi-bin/message/template/send` (official account): 40003 for an openid the account does
 * not know, 45015 for a user outside the 48 h window, 47003 for bad data; the same
 * `openid + client_msg_id` within ten minutes is not sent again (the first `msgid` is answered).
 */
export async function templateSend(state: SimState, request: Request, url: URL): Promise<Response> {
  const app = checkToken(state, url, 'official-account')
  if (app instanceof Response) return app
  const body = await jsonBody(request)
  if (!body) return fail(47001, 'data format error')
  const openid = String(body.touser ?? '')
  const user = userByOpenid(state, app.appid, openid)
  if (!user) return fail(40003, 'invalid openid')
  if (typeof body.template_id !== 'string' || !body.template_id) return fail(40037, 'invalid template_id')
  const checked = dataProblem(body.data)
  if (checked instanceof Response) return checked
  if (user.outsideWindow) return fail(45015, 'response out of time limit or subscription is canceled')
  const clientMsgId =
    typeof body.client_msg_id === 'string' && body.client_msg_id ? body.client_msg_id : undefined
  const dedupeKey = clientMsgId ? `${app.appid}:${openid}:${clientMsgId}` : null
  const earlier = dedupeKey ? state.sentByClientMsgId.get(dedupeKey) : undefined
  if (earlier && state.now() - earlier.at < DEDUPE_MS)
    return ok({ errcode: 0, errmsg: 'ok', msgid: earlier.msgid })
  const msgid = record(state, {
    kind: 'template',
    appid: app.appid,
    openid,
    user: user.name,
    templateId: body.template_id,
    data: checked.data,
    ...(typeof body.url === 'string' ? { url: body.url } : {}),
    ...(isMiniprogram(body.miniprogram)
      ? { miniprogram: { appid: body.miniprogram.appid, pagepath: body.miniprogram.pagepath } }
      : {}),
    ...(clientMsgId ? { clientMsgId } : {}),
  })
  if (dedupeKey) state.sentByClientMsgId.set(dedupeKey, { msgid, at: state.now() })
  return ok({ errcode: 0, errmsg: 'ok', msgid })
}

/**
 * `POST cgi-bin/message/subscribe/send` (mini-program): each send uses one credit granted with
 * `grantSubscription()`; with none left the answer is 43101.
 */
export async function subscribeSend(state: SimState, request: Request, url: URL): Promise<Response> {
  const app = checkToken(state, url, 'mini-program')
  if (app instanceof Response) return app
  const body = await jsonBody(request)
  if (!body) return fail(47001, 'data format error')
  const openid = String(body.touser ?? '')
  const user = userByOpenid(state, app.appid, openid)
  if (!user) return fail(40003, 'invalid openid')
  if (typeof body.template_id !== 'string' || !body.template_id) return fail(40037, 'invalid template_id')
  const checked = dataProblem(body.data)
  if (checked instanceof Response) return checked
  const creditKey = `${app.appid}:${openid}:${body.template_id}`
  const credits = state.credits.get(creditKey) ?? 0
  if (credits <= 0) return fail(43101, 'user refuse to accept the msg')
  state.credits.set(creditKey, credits - 1)
  const msgid = record(state, {
    kind: 'subscribe',
    appid: app.appid,
    openid,
    user: user.name,
    templateId: body.template_id,
    data: checked.data,
    ...(typeof body.page === 'string' ? { page: body.page } : {}),
  })
  return ok({ errcode: 0, errmsg: 'ok', msgid })
}
