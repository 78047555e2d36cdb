import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createStorefront, type Storefront } from '../src/app.js'
import { lanAddress, PortInUseError } from '../src/network.js'
import { launch, overflow, person, shot } from './_browser.js'

// Issue #16: start-up as a newcomer meets it — restarts, the network, a busy port, the printed password.

let browser: Browser
let dir: string
const shops: Storefront[] = []
const children: ChildProcess[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'storefront-start-'))
  browser = await launch()
})

afterEach(async () => {
  for (const shop of shops.splice(0)) await shop.close()
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGTERM')
})

afterAll(async () => {
  await browser?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

const start = async (options: Parameters<typeof createStorefront>[0]) => {
  const shop = await createStorefront({ port: 0, log: () => {}, ...options })
  shops.push(shop)
  return shop
}

/** A port something else holds, as when a previous `pnpm demo` is still running. */
async function busyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { port: (server.address() as { port: number }).port, server }
}

const root = fileURLToPath(new URL('..', import.meta.url))

/** `pnpm demo` as a newcomer runs it: the CLI, with only environment variables. */
function cli(env: Record<string, string>): {
  child: ChildProcess
  out: () => string
  exit: Promise<number | null>
} {
  const child = spawn(
    process.execPath,
    ['--conditions=@loopkit/source', '--import', 'tsx', 'src/server.ts'],
    {
      cwd: root,
      env: { ...process.env, LOOPKIT_MODE: 'sandbox', STOREFRONT_ADMIN_PASSWORD: '', PUBLIC_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  children.push(child)
  let out = ''
  child.stdout!.on('data', (chunk) => {
    out += chunk
  })
  child.stderr!.on('data', (chunk) => {
    out += chunk
  })
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, out: () => out, exit }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 100))
  if (!condition()) throw new Error(`timed out waiting for ${what}`)
}

describe.each(['desktop', 'phone'] as const)('restarting the shop (%s, Chromium)', (screen) => {
  it('keeps the stock a pending order holds, the order and the login; the seed stock is not applied again', async () => {
    const file = join(dir, `restart-${screen}.db`)
    const first = await start({ file })
    const { context, page } = await person(browser, first.url, { screen })
    await page.goto(`${first.url}/products/pressed-duck`)
    await page.click('#login')
    await page.fill('#sandbox-name', 'Ming')
    await page.click('#sandbox-login')
    await page.locator('#viewer', { hasText: 'Ming' }).waitFor()
    expect(await page.locator('#stock').textContent()).toContain('30 left')
    // Five units held by an order the buyer has not paid yet.
    await page.goto(`${first.url}/checkout?sku=pressed-duck&qty=5`)
    // WeChat Pay, which the sandbox stands in for with its own pay page.
    await page.check('#pay-with-wechat')
    await page.click('#pay')
    await page.waitForURL(/\/loop\/sandbox\/pay\//)
    await page.goto(`${first.url}/products/pressed-duck`)
    expect(await page.locator('#stock').textContent()).toContain('25 left')
    await first.close()
    shops.splice(0)

    const second = await start({ file })
    await page.goto(`${second.url}/products/pressed-duck`)
    expect(await page.locator('#stock').textContent()).toContain('25 left')
    await page.locator('#viewer', { hasText: 'Ming' }).waitFor()
    await page.goto(`${second.url}/orders`)
    expect(await page.locator('[data-status="pending"]').count()).toBe(1)
    const size = await overflow(page)
    expect(size.scrollWidth).toBeLessThanOrEqual(size.innerWidth)
    await shot(page, `start-up-${screen}-after-restart-orders`)
    expect((await second.loop.catalog.get('pressed-duck'))?.stock).toBe(25)
    await context.close()
  })
})

describe('on the network', () => {
  it('HOST=0.0.0.0: links, QR codes and the loop carry the LAN address, and a phone there shops and pays with Alipay', async (ctx) => {
    const lan = lanAddress()
    if (!lan) return ctx.skip() // this machine has no non-loopback IPv4 address to test with
    const shop = await start({ file: join(dir, 'lan.db'), host: '0.0.0.0' })
    expect(shop.url).toBe(`http://${lan}:${shop.listen.port}`)
    expect(shop.onNetwork).toBe(true)
    const { context, page } = await person(browser, shop.url, { screen: 'phone' })
    // Opened on the desktop's 127.0.0.1, the shop sends the browser to the address the phone uses.
    await page.goto(`http://127.0.0.1:${shop.listen.port}/products/salted-duck`)
    expect(new URL(page.url()).host).toBe(`${lan}:${shop.listen.port}`)
    await page.click('#login')
    await page.fill('#sandbox-name', 'Phone')
    await page.click('#sandbox-login')
    await page.locator('#viewer', { hasText: 'Phone' }).waitFor()
    await page.click('#share-open')
    await page.click('loopkit-share-card [data-channel="qr"]')
    const link = await page
      .locator('loopkit-share-card')
      .evaluate((card) => card.shadowRoot!.querySelector('[role="dialog"] p')!.textContent)
    expect(link).toMatch(new RegExp(`^http://${lan.replaceAll('.', '\\.')}:${shop.listen.port}/loop/s/`))
    // Alipay's cashier (the simulator listens on loopback only) is reached through the shop's address.
    await page.goto(`${shop.url}/checkout?sku=salted-duck&qty=1`)
    expect(await page.locator('input[name="pay-with"]:checked').getAttribute('value')).toBe('alipay')
    await page.click('#pay')
    await page.waitForURL(`${shop.url}/gateway.do**`)
    await page.click('#pay')
    await page.locator('#order-status [data-status="paid"]').waitFor()
    await context.close()
  })

  it('PUBLIC_URL names the origin of links (a tunnel, a proxy) whatever the shop listens on', async () => {
    const shop = await start({ file: join(dir, 'public.db'), publicUrl: 'https://duck.example/' })
    expect(shop.url).toBe('https://duck.example')
    const direct = `http://127.0.0.1:${shop.listen.port}/`
    // A browser on the listening address is sent to the public one; a proxy that says so is served.
    const visit = await fetch(direct, { redirect: 'manual' })
    expect([visit.status, visit.headers.get('location')]).toEqual([307, 'https://duck.example/'])
    const proxied = await fetch(direct, {
      redirect: 'manual',
      headers: { 'x-forwarded-host': 'duck.example' },
    })
    expect(proxied.status).toBe(200)
    const { customer } = await shop.loop.customers.login({ profile: { provider: 'sandbox', subject: 'p' } })
    const { link } = await shop.loop.shares.create({ customerId: customer.id, skuId: 'salted-duck' })
    expect(link).toMatch(/^https:\/\/duck\.example\/loop\/s\//)
    expect((await shop.loop.catalog.get('salted-duck'))?.imageUrl).toBe(
      'https://duck.example/images/salted-duck.svg',
    )
  })
})

describe('the command line', () => {
  it('a busy port: one plain sentence and exit code 1, not an EADDRINUSE stack', async () => {
    const busy = await busyPort()
    try {
      await expect(start({ file: join(dir, 'busy.db'), port: busy.port })).rejects.toBeInstanceOf(
        PortInUseError,
      )
      const run = cli({ PORT: String(busy.port), STOREFRONT_DB: join(dir, 'busy-cli.db') })
      expect(await run.exit).toBe(1)
      expect(run.out()).toContain(`Port ${busy.port} on 127.0.0.1 is already in use`)
      expect(run.out()).toContain(`PORT=${busy.port + 1} pnpm demo`)
      expect(run.out()).not.toMatch(/EADDRINUSE|\n\s+at /)
    } finally {
      busy.server.close()
    }
  })

  it('prints the URL, the LAN URL when listening on the network, and a generated admin password that opens /admin', async () => {
    const run = cli({ PORT: '0', HOST: '0.0.0.0', STOREFRONT_DB: join(dir, 'cli.db') })
    await until(() => /Admin: .* password (\S+)/.test(run.out()), 'the admin line')
    const out = run.out()
    const url = /Loopkit storefront: (\S+)\//.exec(out)![1]!
    const password = /Admin: .* password (\S+)/.exec(out)![1]!
    expect(password).toMatch(/^[A-Za-z0-9_-]{22}$/)
    const lan = lanAddress()
    if (lan) expect(out).toContain(`on your network: http://${lan}:`)
    const auth = (p: string) => ({ authorization: `Basic ${Buffer.from(`admin:${p}`).toString('base64')}` })
    const port = new URL(url).port
    expect((await fetch(`http://127.0.0.1:${port}/admin`, { redirect: 'manual' })).status).not.toBe(200)
    expect((await fetch(`${url}/admin`)).status).toBe(401)
    expect((await fetch(`${url}/admin`, { headers: auth(password) })).status).toBe(200)
    run.child.kill('SIGTERM')
    expect(await run.exit).toBe(0)
  })
})
