import { fail, jsonBody, ok } from '../open/reply.js'
import { cstDay, cstMonth, type OaFollower, type OaMassJob, type OaState } from './state.js'

const DAY_MS = 86_400_000

function contentOf(body: Record<string, unknown>): string | Response {
  const type = body.msgtype
  if (type === 'text') {
    const text = (body.text as { content?: unknown } | undefined)?.content
    return typeof text === 'string' && text ? text : fail(47001, 'data format error')
  }
  if (type === 'mpnews') {
    const id = (body.mpnews as { media_id?: unknown } | undefined)?.media_id
    return typeof id === 'string' && id ? `mpnews:${id}` : fail(40007, 'invalid media_id')
  }
  return fail(48008, 'no permission for this msgtype')
}

/**
 * `cgi-bin/message/mass/sendall` and `…/mass/send` (reference §7): `clientmsgid` 24 h dedupe
 * (45065 with the first `msg_id`, 45066 within a minute, 45067 over 64 bytes), a subscription
 * account's one successful send per CST day (45028), a service account's 4 mass messages per user
 * per CST month (the excess is filtered, not an error), a service account's `massSendsPerDay`
 * successful sends a CST day (45028 past it), ≥ 2 openids (40130). `finished` is called
 * with the job so the simulator can push `MASSSENDJOBFINISH`.
 */
export async function massSend(
  state: OaState,
  request: Request,
  byList: boolean,
  finished: (job: OaMassJob) => void,
): Promise<Response> {
  const body = await jsonBody(request)
  if (!body) return fail(47001, 'data format error')
  const now = state.now()
  const clientMsgId = typeof body.clientmsgid === 'string' ? body.clientmsgid : ''
  if (Buffer.byteLength(clientMsgId) > 64) return fail(45067, 'clientmsgid size out of limit')
  const content = contentOf(body)
  if (content instanceof Response) return content
  // Without a clientmsgid WeChat dedupes on a digest of scope and content.
  const key = clientMsgId || `digest:${JSON.stringify([body.filter, body.touser, content])}`
  const earlier = state.massByClientMsgId.get(key)
  if (earlier && now - earlier.at < DAY_MS) {
    if (now - earlier.at < 60_000 && clientMsgId) return fail(45066, 'same clientmsgid retry too fast')
    return Response.json({ errcode: 45065, errmsg: 'clientmsgid exist', msg_id: Number(earlier.msgId) })
  }
  let targets: OaFollower[]
  if (byList) {
    if (state.kind === 'subscription') return fail(48001, 'api unauthorized')
    const list = Array.isArray(body.touser) ? [...new Set(body.touser.map(String))] : []
    if (list.length < 2) return fail(40130, 'invalid openid list size, at least two openid')
    if (list.length > 10_000) return fail(40032, 'invalid openid list size')
    targets = list.map((o) => state.followers.get(o)).filter((f): f is OaFollower => f !== undefined)
  } else {
    const filter = (body.filter ?? {}) as { is_to_all?: unknown; tag_id?: unknown }
    const all = filter.is_to_all === true
    const tagId = Number(filter.tag_id)
    if (!all && !state.tags.has(tagId)) return fail(45159, 'invalid tag id')
    targets = [...state.followers.values()].filter((f) => f.followed && (all || f.tags.has(tagId)))
  }
  const day = cstDay(now)
  if (state.kind === 'subscription' && !byList && (state.massByDay.get(day) ?? 0) >= 1)
    return fail(45028, 'has no masssend quota')
  // [SIM] The reference names the service account's 100 calls a day, not the errcode past it: 45028.
  if (state.kind === 'service' && (state.massApiByDay.get(day) ?? 0) >= state.massApiPerDay)
    return fail(45028, 'has no masssend quota')
  const month = cstMonth(now)
  const reached = targets.filter(
    (f) => f.followed && (state.kind === 'subscription' || (f.massByMonth.get(month) ?? 0) < 4),
  )
  const msgId = String(state.nextMsgId++)
  for (const f of reached) {
    f.massByMonth.set(month, (f.massByMonth.get(month) ?? 0) + 1)
    state.delivered.push({ kind: 'mass', openid: f.openid, user: f.user, content, msgId, at: now })
  }
  if (!byList) state.massByDay.set(day, (state.massByDay.get(day) ?? 0) + 1)
  if (state.kind === 'service') state.massApiByDay.set(day, (state.massApiByDay.get(day) ?? 0) + 1)
  state.massByClientMsgId.set(key, { msgId, at: now })
  const job: OaMassJob = {
    msgId,
    clientMsgId,
    totalCount: targets.length,
    filterCount: reached.length,
    sentCount: reached.length,
    errorCount: 0,
    at: now,
  }
  state.jobs.push(job)
  finished(job)
  return ok({ errcode: 0, errmsg: 'send job submission success', msg_id: Number(msgId) })
}

/** `POST cgi-bin/message/mass/preview`: one follower, no quota. */
export async function massPreview(state: OaState, request: Request): Promise<Response> {
  const body = await jsonBody(request)
  if (!body) return fail(47001, 'data format error')
  const f = state.followers.get(String(body.touser ?? ''))
  if (!f?.followed) return fail(40003, 'invalid openid')
  const content = contentOf(body)
  if (content instanceof Response) return content
  state.delivered.push({
    kind: 'preview',
    openid: f.openid,
    user: f.user,
    content,
    msgId: null,
    at: state.now(),
  })
  return ok({ errcode: 0, errmsg: 'preview success', msg_id: state.nextMsgId++ })
}

/**
 * `POST cgi-bin/message/custom/send` inside the interaction windows (reference §8.2): 45015 when
 * no window is open or the user unfollowed, 45047 when every open window's allowance is spent;
 * the oldest open allowance is spent first.
 */
export async function customSend(state: OaState, request: Request): Promise<Response> {
  const body = await jsonBody(request)
  if (!body) return fail(47001, 'data format error')
  const f = state.followers.get(String(body.touser ?? ''))
  if (!f) return fail(40003, 'invalid openid')
  const content = contentOf(body)
  if (content instanceof Response) return content
  const now = state.now()
  const open = (state.windows.get(f.openid) ?? []).filter((w) => w.expiresAt > now)
  state.windows.set(f.openid, open)
  if (!f.followed || open.length === 0)
    return fail(45015, 'response out of time limit or subscription is canceled')
  const window = open.find((w) => w.remaining > 0)
  if (!window) return fail(45047, 'out of response count limit')
  window.remaining--
  state.delivered.push({ kind: 'custom', openid: f.openid, user: f.user, content, msgId: null, at: now })
  return ok({ errcode: 0, errmsg: 'ok' })
}
