import { fail, jsonBody, ok } from '../open/reply.js'
import type { OaState } from './state.js'

/**
 * `POST cgi-bin/message/subscribe/bizsend` (service-account subscription notifications): each
 * pop-up `accept` is one send; none left (never accepted, used, or rejected) answers 43101.
 */
export async function bizsend(state: OaState, request: Request): Promise<Response> {
  const body = await jsonBody(request)
  if (!body) return fail(47001, 'data format error')
  const f = state.followers.get(String(body.touser ?? ''))
  if (!f) return fail(40003, 'invalid openid')
  const templateId = typeof body.template_id === 'string' ? body.template_id : ''
  if (!templateId) return fail(40037, 'invalid template_id')
  const key = `${f.openid}:${templateId}`
  const left = state.credits.get(key) ?? 0
  if (left < 1) return fail(43101, 'user refuse to accept the msg')
  state.credits.set(key, left - 1)
  const data = (body.data ?? {}) as Record<string, { value?: unknown }>
  const content = Object.entries(data)
    .map(([k, v]) => `${k}=${String(v?.value ?? '')}`)
    .join(';')
  state.delivered.push({
    kind: 'subscription',
    openid: f.openid,
    user: f.user,
    content,
    msgId: null,
    at: state.now(),
  })
  return ok({ errcode: 0, errmsg: 'ok' })
}
