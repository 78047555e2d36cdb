import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStorefront, type Storefront } from '../src/app.js'

const executablePath = '/usr/bin/chromium'
const artifacts = fileURLToPath(new URL('../../../.artifacts/storefront/', import.meta.url))

let shop: Storefront
let browser: Browser
let dir: string

beforeAll(async () => {
  if (!existsSync(executablePath)) {
    throw new Error(
      `The storefront test needs Chromium at ${executablePath}: run \`apt-get install -y chromium\`.`,
    )
  }
  await mkdir(artifacts, { recursive: true })
  dir = await mkdtemp(join(tmpdir(), 'storefront-'))
  const [started, launched] = await Promise.all([
    createStorefront({ file: join(dir, 'shop.db'), port: 0, mode: 'sandbox', tickMs: 200, log: () => {} }),
    chromium.launch({
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    }),
  ])
  shop = started
  browser = launched
})

afterAll(async () => {
  await browser?.close()
  await shop?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** One person's browser: its own cookies, clipboard access for the share card, no network beyond the shop. */
async function person(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, locale: 'zh-CN' })
  context.setDefaultTimeout(10_000)
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: shop.url })
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => route.abort(),
  )
  return { context, page: await context.newPage() }
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true })

/** Logs in on the sandbox login page the loop redirected to, as a person types their name. */
async function sandboxLogin(page: Page, name: string): Promise<void> {
  await page.waitForURL(/\/loop\/sandbox\/login\?/)
  await page.fill('#sandbox-name', name)
  await page.click('#sandbox-login')
  await page.locator('#viewer', { hasText: name }).waitFor()
}

/** From a product page: buy one, pay on the sandbox pay page, land on the paid order. Returns the order number. */
async function buyOne(page: Page): Promise<string> {
  await page.click('#buy')
  await page.waitForURL(/\/checkout\?sku=salted-duck&qty=1/)
  await page.click('#pay')
  await page.waitForURL(/\/loop\/sandbox\/pay\//)
  await page.click('#sandbox-pay')
  await page.locator('#order-status [data-status="paid"]').waitFor()
  return (await page.locator('#order-number').textContent())!.trim()
}

describe('the storefront in Chromium', () => {
  it('A logs in, buys, is notified and shares; B buys through the link; the admin page credits A', async () => {
    const a = await person()
    await a.page.goto(`${shop.url}/`)
    await a.page.click('article[data-sku="salted-duck"] a')
    await a.page.waitForURL(/\/products\/salted-duck$/)
    await a.page.click('#login')
    await sandboxLogin(a.page, 'Alice')
    expect(new URL(a.page.url()).pathname).toBe('/products/salted-duck')
    await shot(a.page, '1-alice-product')

    const orderA = await buyOne(a.page)
    await shot(a.page, '2-alice-paid')

    // The outbox dispatcher runs in the background; the messages page shows the delivery.
    await a.page.goto(`${shop.url}/messages`)
    const paidMessage = a.page.locator('#messages li[data-topic="order.paid"]')
    await paidMessage.locator('[data-status="sent"]').waitFor()
    expect(await paidMessage.textContent()).toContain(orderA)
    await shot(a.page, '3-alice-messages')

    await a.page.goto(`${shop.url}/products/salted-duck`)
    await a.page.click('#share-open')
    await a.page.locator('loopkit-share-card [part="card"]').waitFor()
    await a.page.click('loopkit-share-card [data-channel="copy"]')
    await a.page.locator('loopkit-share-card [role="status"]', { hasText: '链接已复制' }).waitFor()
    const link = await a.page.evaluate(() => navigator.clipboard.readText())
    expect(link).toMatch(new RegExp(`^${shop.url}/loop/s/[0-9A-Za-z_-]+$`))
    await shot(a.page, '4-alice-share-card')

    const b = await person()
    await b.page.goto(link)
    await b.page.waitForURL(/\/products\/salted-duck\?share=/)
    await b.page.locator('#referred').waitFor()
    await b.page.click('#login')
    await sandboxLogin(b.page, 'Bob')
    await shot(b.page, '5-bob-product')
    const orderB = await buyOne(b.page)
    expect(orderB).not.toBe(orderA)
    await shot(b.page, '6-bob-paid')

    await a.page.goto(`${shop.url}/admin`)
    const bobsOrder = a.page.locator(`#admin-orders tr[data-order="${orderB}"]`)
    expect(await bobsOrder.locator('.buyer').textContent()).toBe('Bob')
    expect(await bobsOrder.locator('.referrer').textContent()).toBe('Alice')
    expect(await a.page.locator(`#admin-orders tr[data-order="${orderA}"] .referrer`).textContent()).toBe('—')
    // 5 % of ¥68.00, held for the refund window.
    const reward = a.page.locator('#admin-rewards tr[data-sharer="Alice"]')
    expect(await reward.locator('.amount').textContent()).toBe('¥3.40')
    expect(await reward.locator('.badge').textContent()).toBe('held')
    const funnel = Object.fromEntries(
      await a.page
        .locator('#funnel g[data-step]')
        .evaluateAll((gs) =>
          gs.map((g) => [g.getAttribute('data-step'), Number(g.getAttribute('data-count'))]),
        ),
    )
    expect(funnel).toEqual({
      visits: 2,
      logins: 2,
      orders: 2,
      paid: 2,
      shares: 1,
      'share-visits': 1,
      referred: 1,
    })
    await shot(a.page, '7-admin')

    await a.context.close()
    await b.context.close()
  })
})
