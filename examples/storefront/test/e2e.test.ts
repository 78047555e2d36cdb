import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStorefront, type Storefront } from '../src/app.js'
import { adminView, buyOne, copyShareLink, launch, overflow, paidMessage, person, shot } from './_browser.js'

let browser: Browser
let dir: string
const shops: Storefront[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'storefront-'))
  browser = await launch()
})

afterAll(async () => {
  await browser?.close()
  for (const shop of shops) await shop.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function start(mode: 'sandbox' | 'wechat-sim'): Promise<Storefront> {
  const shop = await createStorefront({
    file: join(dir, `${mode}.db`),
    port: 0,
    mode,
    tickMs: 200,
    log: () => {},
  })
  shops.push(shop)
  return shop
}

/** Logs in on the sandbox login page the loop redirected to, as a person types their name. */
async function sandboxLogin(page: Page, name: string): Promise<void> {
  await page.waitForURL(/\/loop\/sandbox\/login\?/)
  await page.fill('#sandbox-name', name)
  await page.click('#sandbox-login')
  await page.locator('#viewer', { hasText: name }).waitFor()
}

async function sandboxPay(page: Page): Promise<void> {
  await page.waitForURL(/\/loop\/sandbox\/pay\//)
  await page.click('#sandbox-pay')
}

/** Picks a simulated WeChat user on the authorize page; the simulator issues the OAuth code. */
async function wechatLogin(page: Page, user: string, nickname: string): Promise<void> {
  await page.waitForURL(/\/wechat-sim\/connect\/oauth2\/authorize\?/)
  await page.click(`[data-sim-user="${user}"]`)
  await page.locator('#viewer', { hasText: nickname }).waitFor()
}

// The simulator's H5 buyer page pays on arrival and sends the browser back to the shop.
const wechatPay = async () => {}

/**
 * Alipay's cashier (the simulator's): a desktop browser posts the signed form, a phone is redirected;
 * either way through the shop's own address, so a phone on the network reaches it too.
 */
const alipayPay = (name: string, origin: string) => async (page: Page) => {
  await page.waitForURL(`${origin}/gateway.do**`)
  await page.locator('#pay').waitFor()
  await shot(page, name)
  await page.click('#pay')
}

// Stripe's hosted Checkout (the simulator's) pays on arrival and returns to the shop's return page,
// which finds the order and waits for the signed webhook to mark it paid.
const stripePay = async () => {}

/** The checkout page fits the screen, offers all three ways to pay, and explains the browser's pick. */
async function checkoutChoice(page: Page, name: string, checked: string): Promise<void> {
  expect(await page.locator('input[name="pay-with"]').evaluateAll((els) => els.map((e) => e.id))).toEqual([
    'pay-with-wechat',
    'pay-with-alipay',
    'pay-with-stripe',
  ])
  expect(await page.locator('input[name="pay-with"]:checked').getAttribute('value')).toBe(checked)
  expect(await page.locator('#pay-choices .pay-choice').count()).toBe(3)
  const size = await overflow(page)
  expect(size.scrollWidth, `${name}: ${size.scrollWidth}px`).toBeLessThanOrEqual(size.innerWidth)
  await shot(page, name)
}

describe('the storefront in Chromium', () => {
  it('sandbox: A logs in, buys, is notified and shares; B buys through the link; the admin page credits A', async () => {
    const shop = await start('sandbox')
    const a = await person(browser, shop.url)
    await a.page.goto(`${shop.url}/`)
    // Every product picture is a valid SVG that the browser decodes (a raw `&` once broke one).
    await a.page.waitForLoadState('load')
    const pictures = await a.page
      .locator('article[data-sku] img')
      .evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).naturalWidth))
    expect(pictures).toEqual([600, 600, 600, 600, 600])
    await a.page.click('article[data-sku="salted-duck"] a')
    await a.page.waitForURL(/\/products\/salted-duck$/)
    await a.page.click('#login')
    await sandboxLogin(a.page, 'Alice')
    expect(new URL(a.page.url()).pathname).toBe('/products/salted-duck')
    await shot(a.page, 'sandbox-1-alice-product')

    const orderA = await buyOne(a.page, sandboxPay, { choice: 'wechat' })
    await shot(a.page, 'sandbox-2-alice-paid')
    // The outbox dispatcher runs in the background; the messages page shows the delivery.
    expect(await paidMessage(a.page, shop.url)).toContain(orderA)
    await shot(a.page, 'sandbox-3-alice-messages')

    const link = await copyShareLink(a.page, shop.url)
    expect(link).toMatch(new RegExp(`^${shop.url}/loop/s/[0-9A-Za-z_-]+$`))
    await shot(a.page, 'sandbox-4-alice-share-card')

    const b = await person(browser, shop.url)
    await b.page.goto(link)
    await b.page.waitForURL(/\/products\/salted-duck\?share=/)
    await b.page.locator('#referred').waitFor()
    await b.page.click('#login')
    await sandboxLogin(b.page, 'Bob')
    await shot(b.page, 'sandbox-5-bob-product')
    const orderB = await buyOne(b.page, sandboxPay, { choice: 'wechat' })
    expect(orderB).not.toBe(orderA)
    await shot(b.page, 'sandbox-6-bob-paid')

    const owner = await person(browser, shop.url, { admin: shop.adminPassword })
    const admin = await adminView(owner.page, shop.url, { order: orderB, sharer: 'Alice' })
    expect(admin).toMatchObject({ buyer: 'Bob', referrer: 'Alice', reward: '¥3.40', rewardStatus: 'held' })
    expect(await owner.page.locator(`#admin-orders tr[data-order="${orderA}"] .referrer`).textContent()).toBe(
      '—',
    )
    expect(admin.funnel).toEqual({
      visits: 2,
      logins: 2,
      orders: 2,
      paid: 2,
      shares: 1,
      'share-visits': 1,
      referred: 1,
    })
    await shot(owner.page, 'sandbox-7-admin')
    // The analytics page counts exactly the two purchases this test made (¥68.00 each), people not events.
    const phone = await person(browser, shop.url, { admin: shop.adminPassword, screen: 'phone' })
    await phone.page.goto(`${shop.url}/admin/analytics`)
    const totals = phone.page.locator('#totals')
    expect(await totals.locator('.orders').getAttribute('data-orders')).toBe('2')
    expect(await totals.locator('.revenue').getAttribute('data-revenue')).toBe(String(2 * 6800))
    const people = await phone.page
      .locator('#funnel g[data-step]')
      .evaluateAll((gs) => gs.map((g) => [g.getAttribute('data-step'), Number(g.getAttribute('data-count'))]))
    expect(Object.fromEntries(people)).toMatchObject({
      logged_in: 2,
      checked_out: 2,
      paid: 2,
      shared: 1,
      friend_visited: 1,
      friend_bought: 1,
    })
    const alice = phone.page.locator('#leaderboard tr[data-sharer="Alice"]')
    expect(await alice.locator('.buyers').textContent()).toBe('1')
    expect(await alice.locator('.revenue').textContent()).toBe('¥68.00')
    expect(await phone.page.locator('#cohorts tbody tr[data-month] .buyers').textContent()).toBe('2')
    expect(await phone.page.locator('#virality').getAttribute('data-k')).toBe('0.5')
    const width = await phone.page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth])
    expect(width[0], 'the analytics page scrolls sideways on a phone').toBeLessThanOrEqual(width[1]!)
    await shot(phone.page, 'sandbox-8-analytics-phone')
    await phone.context.close()
    await owner.context.close()
    await a.context.close()
    await b.context.close()
  })

  it('alipay and stripe: the whole loop once per provider, A on a computer and B on a phone', async () => {
    const shop = await start('sandbox')
    const runs = [
      {
        choice: 'alipay',
        a: 'Carol',
        b: 'Dan',
        payA: alipayPay('pay-alipay-desktop', shop.url),
        payB: alipayPay('pay-alipay-phone', shop.url),
      },
      { choice: 'stripe', a: 'Erin', b: 'Frank', payA: stripePay, payB: stripePay },
    ]
    for (const run of runs) {
      const a = await person(browser, shop.url, { screen: 'desktop' })
      await a.page.goto(`${shop.url}/products/salted-duck`)
      await a.page.click('#login')
      await sandboxLogin(a.page, run.a)
      const orderA = await buyOne(a.page, run.payA, {
        choice: run.choice,
        // Outside WeChat's browser, Alipay is checked when the page opens (desktop: its cashier page).
        onChoice: (page) => checkoutChoice(page, `checkout-choice-${run.choice}-desktop`, 'alipay'),
      })
      expect(await paidMessage(a.page, shop.url)).toContain(orderA)
      const link = await copyShareLink(a.page, shop.url)

      const b = await person(browser, shop.url, { screen: 'phone' })
      await b.page.goto(link)
      await b.page.locator('#referred').waitFor()
      await b.page.click('#login')
      await sandboxLogin(b.page, run.b)
      const orderB = await buyOne(b.page, run.payB, {
        choice: run.choice,
        onChoice: (page) => checkoutChoice(page, `checkout-choice-${run.choice}-phone`, 'alipay'),
      })
      await shot(b.page, `${run.choice}-bob-paid-phone`)

      const owner = await person(browser, shop.url, { admin: shop.adminPassword })
      const admin = await adminView(owner.page, shop.url, { order: orderB, sharer: run.a })
      expect(admin).toMatchObject({ buyer: run.b, referrer: run.a, reward: '¥3.40', rewardStatus: 'held' })
      // The order really went through that provider, and the provider's webhook marked it paid.
      const paid = await shop.loop.orders.list({ limit: 50 })
      expect(
        paid.filter((o) => [orderA, orderB].includes(o.number)).map((o) => [o.provider, o.status]),
      ).toEqual([
        [run.choice, 'paid'],
        [run.choice, 'paid'],
      ])
      await shot(owner.page, `${run.choice}-admin`)
      await Promise.all([owner.context.close(), a.context.close(), b.context.close()])
    }
  })

  it('wechat-sim: the same loop over WeChat OAuth, Pay v3 H5 callbacks and template messages from the simulator', async () => {
    const shop = await start('wechat-sim')
    const a = await person(browser, shop.url)
    await a.page.goto(`${shop.url}/products/salted-duck`)
    // Declining on the authorize page: WeChat returns no code and the shop says so.
    await a.page.click('#login')
    await a.page.waitForURL(/\/wechat-sim\/connect\/oauth2\/authorize\?/)
    await a.page.click('[data-sim-user="refuser"]')
    await a.page.locator('#login-problem').waitFor()
    expect(new URL(a.page.url()).searchParams.get('login')).toBe('denied')
    await a.page.click('#login')
    await wechatLogin(a.page, 'alice', '小丽')
    await shot(a.page, 'wechat-1-alice-product')
    const orderA = await buyOne(a.page, wechatPay, { choice: 'wechat' })
    expect(await paidMessage(a.page, shop.url)).toContain(orderA)
    const link = await copyShareLink(a.page, shop.url)

    const b = await person(browser, shop.url)
    await b.page.goto(link)
    await b.page.locator('#referred').waitFor()
    await b.page.click('#login')
    await wechatLogin(b.page, 'bob', 'Bob')
    const orderB = await buyOne(b.page, wechatPay, { choice: 'wechat' })
    await shot(b.page, 'wechat-2-bob-paid')

    const owner = await person(browser, shop.url, { admin: shop.adminPassword })
    const admin = await adminView(owner.page, shop.url, { order: orderB, sharer: '小丽' })
    expect(admin).toMatchObject({ buyer: 'Bob', referrer: '小丽', reward: '¥3.40', rewardStatus: 'held' })
    await shot(owner.page, 'wechat-3-admin')
    await owner.context.close()

    // What WeChat saw: a template message to alice, two signed payment callbacks the loop acknowledged.
    await a.page.goto(`${shop.url}/wechat-sim`)
    const message = a.page.locator('#sim-messages tr[data-user="alice"][data-template="sim_tmpl_order_paid"]')
    expect(await message.textContent()).toContain(orderA)
    const callbacks = a.page.locator('#sim-deliveries tr[data-event="TRANSACTION.SUCCESS"] .badge')
    expect(await callbacks.allTextContents()).toEqual(['204', '204'])
    await shot(a.page, 'wechat-4-simulator')

    // The simulator's pages on a phone: the authorize page and the simulator's window fit the screen.
    const phone = await person(browser, shop.url, { screen: 'phone' })
    await phone.page.goto(`${shop.url}/products/salted-duck`)
    await phone.page.click('#login')
    await phone.page.waitForURL(/\/wechat-sim\/connect\/oauth2\/authorize\?/)
    for (const [name, url] of [
      ['wechat-5-phone-authorize', phone.page.url()],
      ['wechat-6-phone-simulator', `${shop.url}/wechat-sim`],
    ] as const) {
      await phone.page.goto(url)
      const size = await overflow(phone.page)
      expect(size.scrollWidth, `${name}: ${size.scrollWidth}px`).toBeLessThanOrEqual(size.innerWidth)
      await shot(phone.page, name)
    }
    await phone.context.close()
    await a.context.close()
    await b.context.close()
  })
})
