import { inspect } from 'node:util'
import { isLoopError } from '@loopkit/core'
import { memoryStorage } from '@loopkit/core/dev'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { wechatAccessToken } from '../src/index.js'
import { startOpenSim } from './open-harness.js'

let env: Awaited<ReturnType<typeof startOpenSim>>
beforeEach(async () => {
  env = await startOpenSim()
})
afterEach(() => env.close())

const caught = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  )

function managers(count: number, extra: { mode?: 'stable' | 'classic'; now?: () => number } = {}) {
  const storage = memoryStorage()
  const app = env.sim.officialAccount
  return Array.from({ length: count }, () =>
    wechatAccessToken({
      appid: app.appid,
      secret: app.secret,
      storage,
      baseUrl: env.url,
      now: extra.now ?? env.sim.now,
      ...(extra.mode ? { mode: extra.mode } : {}),
    }),
  )
}

describe('wechatAccessToken: one token for every instance', () => {
  it('makes exactly one stable_token call for 20 concurrent getToken() across 3 managers sharing a storage', async () => {
    const ms = managers(3)
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => ms[i % 3]!.getToken()))
    expect(new Set(tokens).size).toBe(1)
    expect(env.sim.calls('cgi-bin/stable_token')).toBe(1)
    expect(env.sim.calls('cgi-bin/token')).toBe(0)
  })

  it('serves the cached token until shortly before it expires, then fetches once', async () => {
    const [a, b] = managers(2)
    const first = await a!.getToken()
    await env.sim.advance(7000_000)
    expect(await b!.getToken()).toBe(first)
    expect(env.sim.calls('cgi-bin/stable_token')).toBe(1)
    await env.sim.advance(150_000) // past expiry minus the safety margin
    const [x, y] = await Promise.all([a!.getToken(), b!.getToken()])
    expect(x).toBe(y)
    expect(env.sim.calls('cgi-bin/stable_token')).toBe(2)
  })

  it('recovers when the instance holding the refresh lease fails: another one fetches', async () => {
    const ms = managers(3)
    env.sim.failNext({ path: 'cgi-bin/stable_token', status: 500 })
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => ms[i % 3]!.getToken()))
    const ok = results
      .filter((r) => r.status === 'fulfilled')
      .map((r) => (r as PromiseFulfilledResult<string>).value)
    const failed = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r as PromiseRejectedResult).reason as { code: string; retryable: boolean })
    // Only the callers sharing the failed fetch see its error; everybody else gets the retried token.
    expect(failed.length).toBe(4)
    for (const e of failed) expect([e.code, e.retryable]).toEqual(['provider_unavailable', true])
    expect(new Set(ok).size).toBe(1)
    expect(env.sim.calls('cgi-bin/stable_token')).toBe(2)
  })

  it('classic mode: after another system rotates the token, a call gets 40001, refreshes once and succeeds', async () => {
    const [a, b] = managers(2, { mode: 'classic' })
    const before = await a!.getToken()
    expect(env.sim.calls('cgi-bin/token')).toBe(1)
    env.sim.rotateToken({ appid: env.sim.officialAccount.appid }) // e.g. a CMS sharing the appid
    await env.sim.advance(301_000) // the old token's five minutes of grace are over
    const results = await Promise.all(
      [a!, b!, a!].map((m) =>
        m.call<{ ticket: string }>({ path: 'cgi-bin/ticket/getticket', query: { type: 'jsapi' } }),
      ),
    )
    expect(results.every((r) => typeof r.ticket === 'string')).toBe(true)
    const after = await b!.getToken()
    expect(after).not.toBe(before)
    // One initial fetch and one refresh, however many callers saw the 40001.
    expect(env.sim.calls('cgi-bin/token')).toBe(2)
  })

  it('classic mode: each cgi-bin/token fetch rotates, the previous token lives 300 s more', async () => {
    const [a] = managers(1, { mode: 'classic' })
    const old = await a!.getToken()
    env.sim.rotateToken({ appid: env.sim.officialAccount.appid })
    // Within the grace period the cached token still works without a refresh.
    await a!.call({ path: 'cgi-bin/ticket/getticket', query: { type: 'jsapi' } })
    expect(await a!.getToken()).toBe(old)
    expect(env.sim.calls('cgi-bin/token')).toBe(1)
  })

  it('refreshes and retries once on 42001 (token expired while still cached)', async () => {
    // The manager's clock stands still while WeChat's runs on, so its cache still holds the token.
    const frozen = env.sim.now()
    const [a] = managers(1, { now: () => frozen })
    await a!.getToken()
    await env.sim.advance(7201_000)
    const res = await a!.call<{ ticket: string }>({
      path: 'cgi-bin/ticket/getticket',
      query: { type: 'jsapi' },
    })
    expect(res.ticket).toMatch(/^sim_ticket_/)
    expect(env.sim.calls('cgi-bin/stable_token')).toBe(2)
  })

  it('retries at most once: a token rejected twice surfaces as a retryable provider_error', async () => {
    const [a] = managers(1)
    env.sim.failNext({ path: 'cgi-bin/ticket/getticket', errcode: 40001, errmsg: 'invalid credential' })
    env.sim.failNext({ path: 'cgi-bin/ticket/getticket', errcode: 40001, errmsg: 'invalid credential' })
    const error = await caught(a!.getTicket())
    expect(isLoopError(error)).toBe(true)
    expect(error).toMatchObject({ code: 'provider_error', providerCode: '40001', retryable: true })
    expect(env.sim.calls('cgi-bin/ticket/getticket')).toBe(2)
  })
})

describe('wechatAccessToken: errors', () => {
  it('maps -1 to a retryable provider_unavailable', async () => {
    const [a] = managers(1)
    env.sim.failNext({ path: 'cgi-bin/stable_token', errcode: -1, errmsg: 'system error' })
    expect(await caught(a!.getToken())).toMatchObject({
      code: 'provider_unavailable',
      retryable: true,
      providerCode: '-1',
    })
  })

  it('reports a wrong secret as configuration, without the secret', async () => {
    const secret = 'wrong_secret_0123456789abcdef'
    const m = wechatAccessToken({
      appid: env.sim.officialAccount.appid,
      secret,
      storage: memoryStorage(),
      baseUrl: env.url,
    })
    const error = await caught(m.getToken())
    expect(error).toMatchObject({ code: 'configuration', providerCode: '40125' })
    expect(inspect(error, { depth: 5 })).not.toContain(secret)
  })

  it('never puts the secret or the token in an error, even when WeChat echoes them', async () => {
    const app = env.sim.officialAccount
    const [a] = managers(1)
    const token = await a!.getToken()
    env.sim.failNext({
      path: 'cgi-bin/ticket/getticket',
      errcode: 40164,
      errmsg: `invalid ip, access_token=${token} secret=${app.secret}`,
    })
    const error = await caught(a!.getTicket())
    expect(error).toMatchObject({ code: 'configuration', providerCode: '40164' })
    const printed = inspect(error, { depth: 5 }) + JSON.stringify(error)
    expect(printed).not.toContain(token)
    expect(printed).not.toContain(app.secret)
  })

  it('reports an unreachable WeChat as retryable, without the URL (whose query has the secret)', async () => {
    const app = env.sim.officialAccount
    await env.close()
    const m = wechatAccessToken({
      appid: app.appid,
      secret: app.secret,
      storage: memoryStorage(),
      baseUrl: env.url,
      mode: 'classic',
    })
    const error = await caught(m.getToken())
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: true })
    expect(inspect(error, { depth: 5 })).not.toContain(app.secret)
    env = await startOpenSim() // for afterEach
  })

  it('requires appid, secret and storage', () => {
    expect(() => wechatAccessToken({ appid: '', secret: 's', storage: memoryStorage() })).toThrow(
      /Missing required option `appid`/,
    )
    expect(() => wechatAccessToken({ appid: 'wx1', secret: '', storage: memoryStorage() })).toThrow(
      /Missing required option `secret`/,
    )
  })
})
