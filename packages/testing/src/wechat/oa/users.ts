import { fail, jsonBody, ok } from '../open/reply.js'
import type { OaFollower, OaState } from './state.js'

/** `GET cgi-bin/user/info`: the post-2021 fields only; `{subscribe:0, openid}` for a non-follower. */
export function userInfo(state: OaState, url: URL, unionIdOf: (user: string) => string | null): Response {
  const openid = url.searchParams.get('openid') ?? ''
  const f = state.followers.get(openid)
  if (!f) return fail(40003, 'invalid openid')
  if (!f.followed) return ok({ subscribe: 0, openid })
  const unionid = unionIdOf(f.user)
  return ok({
    subscribe: 1,
    openid,
    subscribe_time: f.subscribeTime,
    ...(unionid ? { unionid } : {}),
    remark: '',
    groupid: 0,
    tagid_list: [...f.tags],
    subscribe_scene: 'ADD_SCENE_OTHERS',
    qr_scene: 0,
    qr_scene_str: '',
  })
}

const following = (state: OaState) => [...state.followers.values()].filter((f) => f.followed)

/** One page of openids after `next` (exclusive), the simulator's page size (10,000 like WeChat by default). */
function page(state: OaState, list: OaFollower[], next: string): Response {
  const start = next ? list.findIndex((f) => f.openid === next) + 1 : 0
  if (next && start === 0) return fail(40003, 'invalid next_openid')
  const slice = list.slice(start, start + state.pageSize)
  // After the last page WeChat answers count 0 without `data` (reference §6.2).
  if (slice.length === 0) return ok({ total: list.length, count: 0, next_openid: '' })
  return ok({
    total: list.length,
    count: slice.length,
    data: { openid: slice.map((f) => f.openid) },
    next_openid: slice[slice.length - 1]?.openid ?? '',
  })
}

/** `GET cgi-bin/user/get?next_openid=`: followers in follow order. */
export const userGet = (state: OaState, url: URL) =>
  page(state, following(state), url.searchParams.get('next_openid') ?? '')

/** `POST cgi-bin/user/tag/get`: the followers with a tag. */
export async function tagUsers(state: OaState, request: Request): Promise<Response> {
  const body = await jsonBody(request)
  const tagId = Number(body?.tagid)
  if (!state.tags.has(tagId)) return fail(45159, 'invalid tag id')
  return page(
    state,
    following(state).filter((f) => f.tags.has(tagId)),
    String(body?.next_openid ?? ''),
  )
}

const SYSTEM_TAGS = new Set([0, 1, 2])
const tagCount = (state: OaState, id: number) => following(state).filter((f) => f.tags.has(id)).length

/** `cgi-bin/tags/*` with the §6.1 limits: 100 tags, 30-byte names, unique names, system tags fixed. */
export async function tags(state: OaState, request: Request, op: string): Promise<Response> {
  if (op === 'get')
    return ok({ tags: [...state.tags].map(([id, name]) => ({ id, name, count: tagCount(state, id) })) })
  const body = await jsonBody(request)
  if (!body) return fail(47001, 'data format error')
  const tag = (body.tag ?? {}) as { id?: unknown; name?: unknown }
  const id = Number(tag.id)
  const name = typeof tag.name === 'string' ? tag.name : ''
  const nameProblem = () => {
    if (Buffer.byteLength(name) > 30) return fail(45158, 'tag name too long')
    if (!name || [...state.tags.values()].includes(name)) return fail(45157, 'invalid tag name')
    return null
  }
  if (op === 'create') {
    if ([...state.tags.keys()].filter((t) => !SYSTEM_TAGS.has(t)).length >= 100)
      return fail(45056, 'too many tag now, no need to add new')
    const problem = nameProblem()
    if (problem) return problem
    const newId = state.nextTagId++
    state.tags.set(newId, name)
    return ok({ tag: { id: newId, name } })
  }
  if (SYSTEM_TAGS.has(id)) return fail(45058, "can't modify sys tag")
  if (!state.tags.has(id)) return fail(45159, 'invalid tag id')
  if (op === 'update') {
    const problem = nameProblem()
    if (problem) return problem
    state.tags.set(id, name)
  } else {
    if (tagCount(state, id) > 100_000) return fail(45057, "can't delete the tag that has too many fans")
    state.tags.delete(id)
    for (const f of state.followers.values()) f.tags.delete(id)
  }
  return ok({ errcode: 0, errmsg: 'ok' })
}

/** `cgi-bin/tags/members/batch(un)tagging` and `cgi-bin/tags/getidlist`: 50 openids, 20 tags a user. */
export async function members(state: OaState, request: Request, op: string): Promise<Response> {
  const body = await jsonBody(request)
  if (!body) return fail(47001, 'data format error')
  if (op === 'getidlist') {
    const f = state.followers.get(String(body.openid ?? ''))
    return f?.followed ? ok({ tagid_list: [...f.tags] }) : fail(40003, 'invalid openid')
  }
  const list = Array.isArray(body.openid_list) ? body.openid_list.map(String) : []
  if (list.length === 0 || list.length > 50) return fail(40032, 'invalid openid list size')
  const tagId = Number(body.tagid)
  if (!state.tags.has(tagId)) return fail(45159, 'invalid tag id')
  const targets = list.map((openid) => state.followers.get(openid))
  if (targets.some((f) => !f?.followed)) return fail(40003, 'invalid openid')
  if (op === 'batchtagging' && targets.some((f) => !f!.tags.has(tagId) && f!.tags.size >= 20))
    return fail(45059, 'can not tagging one user too much')
  for (const f of targets) op === 'batchtagging' ? f!.tags.add(tagId) : f!.tags.delete(tagId)
  return ok({ errcode: 0, errmsg: 'ok' })
}
