import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createStorefront, type Storefront } from '../src/app.js'

let dir: string
let shop: Storefront | null = null

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'storefront-restart-'))
})

afterEach(async () => {
  await shop?.close()
  shop = null
  await rm(dir, { recursive: true, force: true })
})

const open = async (file: string) => {
  shop = await createStorefront({ file, port: 0, log: () => {} })
  return shop
}

/** Logs in through the sandbox login page over HTTP, as a browser would; returns the session cookie. */
async function login(url: string, name: string): Promise<string> {
  const begin = await fetch(`${url}/loop/login/sandbox?returnTo=/`, { redirect: 'manual' })
  const page = new URL(begin.headers.get('location')!)
  const posted = await fetch(page, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      name,
      state: page.searchParams.get('state')!,
      redirect_uri: page.searchParams.get('redirect_uri')!,
    }),
  })
  // The login is bound to the browser that started it: send back the cookie the start set.
  const binding = begin.headers
    .getSetCookie()
    .find((c) => c.startsWith('lk_login='))!
    .split(';')[0]!
  const done = await fetch(posted.headers.get('location')!, {
    redirect: 'manual',
    headers: { cookie: binding },
  })
  const session = done.headers.getSetCookie().find((c) => c.startsWith('lk_session='))
  if (!session) throw new Error(`no session cookie (${done.status})`)
  return session.split(';')[0]!
}

describe('restarting the shop', () => {
  it('keeps orders, reserved stock and logins (SQLite file and a secret kept beside it)', async () => {
    const file = join(dir, 'shop.db')
    const first = await open(file)
    const cookie = await login(first.url, 'Alice')
    const checkout = await fetch(`${first.url}/loop/checkout`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ lines: [{ skuId: 'pressed-duck', quantity: 2 }] }),
    })
    expect(checkout.status).toBe(201)
    const { order } = (await checkout.json()) as { order: { id: string } }
    await first.close()
    shop = null

    const second = await open(file)
    const me = await fetch(`${second.url}/loop/me`, { headers: { cookie } })
    expect(me.status).toBe(200)
    expect(((await me.json()) as { customer: { displayName: string } }).customer.displayName).toBe('Alice')
    const mine = await fetch(`${second.url}/loop/orders/${order.id}`, { headers: { cookie } })
    expect(((await mine.json()) as { order: { status: string } }).order.status).toBe('pending')
    // The catalogue is refreshed on start, but the stock the order holds stays reserved.
    expect((await second.loop.catalog.get('pressed-duck'))?.stock).toBe(28)
    expect((await second.loop.catalog.get('salted-duck'))?.stock).toBe(50)
  })
})
