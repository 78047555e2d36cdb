import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Campaign, isLoopError } from '@loopkit/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStorefront, type Storefront } from '../src/app.js'
import { audienceFromForm, filterForm } from '../src/audience-form.js'
import { campaignForm, createInput } from '../src/campaign-form.js'

// The Customers and Campaigns admin pages as an attacker meets them: no credentials, forged and
// cross-site forms, bad input, markup in names and messages, links that lead elsewhere.

let dir: string
let shop: Storefront
const password = 'growth-admin-password-1'
const basic = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'storefront-growth-'))
  shop = await createStorefront({
    file: join(dir, 'shop.db'),
    port: 0,
    adminPassword: password,
    log: () => {},
  })
})

afterAll(async () => {
  await shop?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Logs in on the password form: the `sf_admin` cookie, as a browser keeps it. */
async function adminCookie(): Promise<string> {
  const res = await fetch(`${shop.url}/admin/login`, {
    method: 'POST',
    body: new URLSearchParams({ password }),
    redirect: 'manual',
  })
  return res.headers.get('set-cookie')!.split(';')[0]!
}

/** The CSRF token the page shows this session. */
async function tokenOn(path: string, headers: Record<string, string>): Promise<string> {
  const page = await (await fetch(`${shop.url}${path}`, { headers })).text()
  return /name="_csrf" value="([^"]+)"/.exec(page)![1]!
}

const post = (path: string, form: Record<string, string | string[]>, headers: Record<string, string>) => {
  const body = new URLSearchParams()
  for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) body.append(k, x)
  return fetch(`${shop.url}${path}`, { method: 'POST', body, headers, redirect: 'manual' })
}

describe('the Customers and Campaigns admin pages', () => {
  it('answer 401 with the password form to a visitor, and a POST without credentials changes nothing', async () => {
    for (const path of ['/admin/customers', '/admin/campaigns', '/admin/campaigns/cmp_x']) {
      const res = await fetch(`${shop.url}${path}`)
      expect(res.status, path).toBe(401)
      expect(await res.text()).toContain('id="admin-password"')
    }
    expect((await fetch(`${shop.url}/admin/customers/count?followed=yes`)).status).toBe(401)
    const res = await post('/admin/audiences', { id: 'anon', followed: 'yes' }, {})
    expect(res.status).toBe(401)
    await expect(shop.loop.audiences.get('anon')).rejects.toMatchObject({ code: 'not_found' })
  })

  it('refuse a form without this session’s CSRF token, from another origin or site, or riding on basic auth: 403 and nothing saved', async () => {
    const cookie = await adminCookie()
    const token = await tokenOn('/admin/customers', { cookie })
    const other = await tokenOn('/admin/customers', { cookie: await adminCookie() })
    const form = { id: 'csrf-test', followed: 'yes' }
    const refused = [
      post('/admin/audiences', form, { cookie }),
      post('/admin/audiences', { ...form, _csrf: 'forged' }, { cookie }),
      // Another session's token (a token that leaked from another login) is not this session's.
      post('/admin/audiences', { ...form, _csrf: other }, { cookie }),
      post('/admin/audiences', { ...form, _csrf: token }, { cookie, origin: 'https://evil.example' }),
      post('/admin/audiences', { ...form, _csrf: token }, { cookie, 'sec-fetch-site': 'cross-site' }),
      post('/admin/audiences', { ...form, _csrf: token }, { cookie, 'sec-fetch-site': 'same-site' }),
      // A cross-site form the browser sends with its cached basic-auth credentials has no token.
      post('/admin/audiences', form, { authorization: basic }),
    ]
    for (const res of await Promise.all(refused)) expect(res.status).toBe(403)
    await expect(shop.loop.audiences.get('csrf-test')).rejects.toMatchObject({ code: 'not_found' })
    const ok = await post('/admin/audiences', { ...form, _csrf: token }, { cookie, origin: shop.url })
    expect(ok.status).toBe(303)
    expect(ok.headers.get('location')).toBe('/admin/customers?audience=csrf-test&saved=csrf-test')
    expect((await shop.loop.audiences.get('csrf-test')).where).toEqual({ all: [{ followed: true }] })
    // A script on basic auth reads the page first, like the form does.
    const scripted = await tokenOn('/admin/customers', { authorization: basic })
    const viaScript = await post(
      '/admin/audiences',
      { id: 'scripted', tags: 'vip', _csrf: scripted },
      { authorization: basic },
    )
    expect(viaScript.status).toBe(303)
  })

  it('count and save the builder’s filter; a bad field is invalid_input, naming it, and nothing is saved', async () => {
    const cookie = await adminCookie()
    await shop.loop.customers.login({ profile: { provider: 'sandbox', subject: 'vip1', displayName: 'Vip' } })
    const vip = await shop.loop.customers.login({ profile: { provider: 'sandbox', subject: 'vip2' } })
    await shop.loop.customers.tag({ id: vip.customer.id, add: ['vip'] })
    const count = await fetch(`${shop.url}/admin/customers/count?tags=vip&provider=sandbox`, {
      headers: { cookie },
    })
    expect(await count.json()).toEqual({ count: 1 })
    const bad = await fetch(`${shop.url}/admin/customers/count?minSpent=12.345&createdWithin=0`, {
      headers: { cookie },
    })
    expect(bad.status).toBe(400)
    const body = (await bad.json()) as { error: { code: string; issues: Array<{ path: string[] }> } }
    expect(body.error.code).toBe('invalid_input')
    expect(body.error.issues.map((i) => i.path[0])).toEqual(['minSpent', 'createdWithin'])
    expect((await fetch(`${shop.url}/admin/customers?minOrders=-1`, { headers: { cookie } })).status).toBe(
      400,
    )

    const token = await tokenOn('/admin/customers', { cookie })
    for (const form of [
      { id: 'bad-filter', minSpent: 'lots' },
      { id: 'has space', tags: 'vip' },
      { id: 'new-followers-week', followed: 'yes' },
    ]) {
      const res = await post('/admin/audiences', { ...form, _csrf: token }, { cookie })
      expect(res.status, form.id).toBe(400)
    }
    await expect(shop.loop.audiences.get('bad-filter')).rejects.toMatchObject({ code: 'not_found' })
    expect((await shop.loop.audiences.get('new-followers-week')).where).toEqual({ followedWithinDays: 7 })
  })

  it('escape names, tags, filter values and campaign texts wherever they are shown', async () => {
    const cookie = await adminCookie()
    const evil = '<img src=x onerror=alert(1)>'
    const c = await shop.loop.customers.login({
      profile: { provider: 'sandbox', subject: 'evil', displayName: evil },
    })
    await shop.loop.customers.tag({ id: c.customer.id, add: ['<b>t</b>'] })
    const list = await (
      await fetch(`${shop.url}/admin/customers?tags=%22%3E%3Cscript%3Ex`, { headers: { cookie } })
    ).text()
    expect(list).not.toContain('"><script>x')
    expect(list).toContain('&quot;&gt;&lt;script&gt;x')
    const all = await (await fetch(`${shop.url}/admin/customers`, { headers: { cookie } })).text()
    expect(all).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(all).toContain('&lt;b&gt;t&lt;/b&gt;')
    expect(all).not.toContain(evil)

    const token = await tokenOn('/admin/campaigns', { cookie })
    const created = await post(
      '/admin/campaigns',
      {
        _csrf: token,
        audience: 'followers',
        name: evil,
        title: '<script>t</script>',
        body: 'b',
        channel: 'console',
      },
      { cookie },
    )
    expect(created.status).toBe(303)
    const report = await (
      await fetch(`${shop.url}${created.headers.get('location')}`, { headers: { cookie } })
    ).text()
    const campaigns = await (await fetch(`${shop.url}/admin/campaigns`, { headers: { cookie } })).text()
    for (const page of [report, campaigns]) {
      expect(page).not.toContain(evil)
      expect(page).not.toContain('<script>t</script>')
      expect(page).toContain('&lt;script&gt;t&lt;/script&gt;')
    }
  })

  it('create only campaigns whose link stays on the shop, on the shop’s channels; then preview, cancel once', async () => {
    const cookie = await adminCookie()
    const token = await tokenOn('/admin/campaigns', { cookie })
    const before = (await shop.loop.campaigns.list({ limit: 200 })).campaigns.length
    const base = { _csrf: token, audience: 'followers', title: 'T', body: 'B', channel: 'console' }
    for (const bad of [
      { url: 'https://evil.example/duck' },
      { url: '//evil.example/duck' },
      { url: '/\\evil.example' },
      { url: 'javascript:alert(1)' },
      { channel: 'sms' },
      { channel: ['console', 'console'] },
      { audience: 'no-such-audience' },
      { title: '' },
    ]) {
      const res = await post('/admin/campaigns', { ...base, ...bad }, { cookie })
      expect(res.status, JSON.stringify(bad)).toBeGreaterThanOrEqual(400)
    }
    expect((await shop.loop.campaigns.list({ limit: 200 })).campaigns.length).toBe(before)

    const res = await post('/admin/campaigns', { ...base, url: '/products/salted-duck' }, { cookie })
    expect(res.status).toBe(303)
    const id = res.headers.get('location')!.split('/').at(-1)!
    const campaign = (await shop.loop.campaigns.get({ id }))!
    expect(campaign.message.url).toBe(`${shop.url}/products/salted-duck`)
    const page = await (await fetch(`${shop.url}/admin/campaigns/${id}`, { headers: { cookie } })).text()
    expect(page).toContain('id="preview"')
    expect(page).toContain('id="campaign-send"')

    const cancel = (csrf: string) => post(`/admin/campaigns/${id}/cancel`, { _csrf: csrf }, { cookie })
    expect((await cancel('forged')).status).toBe(403)
    expect((await shop.loop.campaigns.get({ id }))!.status).toBe('draft')
    expect((await cancel(token)).status).toBe(303)
    expect((await shop.loop.campaigns.get({ id }))!.status).toBe('cancelled')
    expect((await cancel(token)).status).toBe(409)
    expect((await fetch(`${shop.url}/admin/campaigns/..%2Fx`, { headers: { cookie } })).status).toBe(404)
    expect((await fetch(`${shop.url}/admin/campaigns/cmp_nope`, { headers: { cookie } })).status).toBe(404)
  })

  it('list campaigns newest first from the loop, 50 a page with an older link; a forged cursor is a 400 and is not echoed', async () => {
    const cookie = await adminCookie()
    const made: Campaign[] = []
    for (let i = 0; i < 52; i++)
      made.push(
        await shop.loop.campaigns.create({
          audience: 'followers',
          message: { title: `Page test ${i}`, body: 'B' },
          channelPlan: { channels: ['console'] },
        }),
      )
    // The documented order: newest first, campaigns of one millisecond by id, descending.
    const newest = made.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).map((c) => c.id)
    const ids = (page: string) => [...page.matchAll(/data-campaign="([^"]+)"/g)].map((m) => m[1])
    const first = await (await fetch(`${shop.url}/admin/campaigns`, { headers: { cookie } })).text()
    expect(ids(first)).toEqual(newest.slice(0, 50))
    const older = /id="older-campaigns" href="([^"]+)"/.exec(first)![1]!
    const second = await (await fetch(`${shop.url}${older}`, { headers: { cookie } })).text()
    // Then the last two of these, and the campaigns earlier tests created.
    expect(ids(second).slice(0, 2)).toEqual(newest.slice(50))
    expect(ids(second).filter((id) => ids(first).includes(id))).toEqual([])
    for (const after of ['"><script>alert(1)</script>', 'cmp_nobody']) {
      const res = await fetch(`${shop.url}/admin/campaigns?after=${encodeURIComponent(after)}`, {
        headers: { cookie },
      })
      expect(res.status, after).toBe(400)
      expect(await res.text()).not.toContain('<script>alert(1)')
    }
  })
})

describe('the filter builder and the campaign form, as functions', () => {
  const now = Date.parse('2026-11-28T00:00:00Z')

  it('build one condition per field set, all of which must hold', () => {
    const form = filterForm({
      tags: 'vip，duck',
      followed: 'yes',
      provider: 'wechat',
      minOrders: '2',
      maxOrders: '9',
      minSpent: '88.5',
      orderedWithin: '30',
      createdWithin: '7',
      interactedWithin: '2',
    })
    expect(audienceFromForm(form, now)).toEqual({
      all: [
        { tag: 'vip' },
        { tag: 'duck' },
        { followed: true },
        { provider: 'wechat' },
        { orders: { min: 2, max: 9 } },
        { spent: { min: 8850, currency: 'CNY' } },
        { lastOrderWithinDays: 30 },
        { createdAfter: now - 7 * 86_400_000 },
        { interactedWithinDays: 2 },
      ],
    })
    expect(audienceFromForm(filterForm({ followed: 'any' }), now)).toEqual({ all: [] })
  })

  it('refuse what the filter language cannot take, naming every bad field', () => {
    try {
      audienceFromForm(
        filterForm({ minOrders: '5', maxOrders: '1', followed: 'maybe', provider: 'We Chat' }),
        now,
      )
      expect.unreachable()
    } catch (error) {
      expect(isLoopError(error) && error.code).toBe('invalid_input')
      expect(isLoopError(error) && error.issues?.map((i) => i.path[0])).toEqual([
        'followed',
        'provider',
        'maxOrders',
      ])
    }
  })

  it('resolve a campaign link on the shop, and refuse one anywhere else', () => {
    const shopInfo = { origin: 'https://duck.example', channels: ['wechat'] }
    const form = (url: string) =>
      campaignForm({ audience: 'followers', title: 't', body: 'b', url, channel: 'wechat' })
    expect(createInput(form('/products/x?y=1'), shopInfo).message.url).toBe(
      'https://duck.example/products/x?y=1',
    )
    expect(createInput(form('https://duck.example/a'), shopInfo).message.url).toBe('https://duck.example/a')
    for (const url of [
      'https://duck.example.evil/a',
      '//evil.example',
      '/\\evil.example',
      'http://duck.example/a',
      'data:text/html,x',
    ])
      expect(() => createInput(form(url), shopInfo), url).toThrow(/url/)
  })
})
