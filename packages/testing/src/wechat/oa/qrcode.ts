import { randomBytes } from 'node:crypto'
import { fail, jsonBody, ok } from '../open/reply.js'
import type { OaState } from './state.js'

const MAX_EXPIRE = 2_592_000

/** `POST cgi-bin/qrcode/create`: the four kinds, scene rules, expiry ≤ 30 days, permanent cap (45029). */
export async function qrcodeCreate(state: OaState, request: Request): Promise<Response> {
  const body = await jsonBody(request)
  if (!body) return fail(47001, 'data format error')
  const action = String(body.action_name ?? '')
  if (!['QR_SCENE', 'QR_STR_SCENE', 'QR_LIMIT_SCENE', 'QR_LIMIT_STR_SCENE'].includes(action))
    return fail(40052, 'invalid action name')
  const scene = ((body.action_info as { scene?: Record<string, unknown> } | undefined)?.scene ?? {}) as {
    scene_id?: unknown
    scene_str?: unknown
  }
  const permanent = action.startsWith('QR_LIMIT')
  let value: string
  if (action.endsWith('STR_SCENE')) {
    const str = typeof scene.scene_str === 'string' ? scene.scene_str : ''
    if (str.length < 1 || Buffer.byteLength(str) > 64)
      return fail(40053, 'invalid action info, please check document')
    value = str
  } else {
    const id = Number(scene.scene_id)
    if (!Number.isInteger(id) || id < 1 || id > (permanent ? 100_000 : 0xffffffff))
      return fail(40053, 'invalid action info, please check document')
    value = String(id)
  }
  const expire = Number(body.expire_seconds ?? 60)
  if (!permanent && (!Number.isInteger(expire) || expire < 1 || expire > MAX_EXPIRE))
    return fail(40053, 'invalid action info, please check document')
  if (permanent && state.permanentQr >= state.permanentQrLimit)
    return fail(45029, 'qrcode count out of limit')
  if (permanent) state.permanentQr++
  const ticket = randomBytes(48).toString('base64')
  state.qr.set(ticket, { scene: value, permanent, expiresAt: permanent ? null : state.now() + expire * 1000 })
  return ok({
    ticket,
    ...(permanent ? {} : { expire_seconds: expire }),
    url: `http://weixin.qq.com/q/${randomBytes(12).toString('base64url')}`,
  })
}
