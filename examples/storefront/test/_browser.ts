import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'

const executablePath = '/usr/bin/chromium'

/** Screenshots of each step (git-ignored). */
export const artifacts = fileURLToPath(new URL('../../../.artifacts/storefront/', import.meta.url))

/** Debian's Chromium, headless, with nothing that phones home. */
export async function launch(): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `The storefront test needs Chromium at ${executablePath}: run \`apt-get install -y chromium\`.`,
    )
  }
  await mkdir(artifacts, { recursive: true })
  return chromium.launch({
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
  })
}

/** The two screens every page is checked at: a desktop window and a phone (iPhone 12–15 size). */
export const viewports = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    // A phone browser's User-Agent: the checkout page picks Alipay's mobile-web cashier for it.
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  },
} as const

/**
 * One person's browser: own cookies, clipboard access for the share card, nothing beyond the shop's
 * host. `admin` logs the context in to `/admin` on the password form.
 */
export async function person(
  browser: Browser,
  origin: string,
  options: { screen?: keyof typeof viewports; admin?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    ...(options.screen ? viewports[options.screen] : { viewport: { width: 1000, height: 900 } }),
    locale: 'zh-CN',
  })
  context.setDefaultTimeout(10_000)
  const host = new URL(origin).hostname
  // The Clipboard API needs a secure context: loopback or https (a LAN address over http is neither,
  // and the card falls back to execCommand there, as on a phone).
  if (host === '127.0.0.1' || origin.startsWith('https:')) {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin })
  }
  await context.route(
    (url) => url.hostname !== host && url.hostname !== '127.0.0.1',
    (route) => route.abort(),
  )
  const page = await context.newPage()
  if (options.admin) await adminLogin(page, origin, options.admin)
  return { context, page }
}

/** Types the admin password on the form `/admin` answers with, as the shop's owner does. */
export async function adminLogin(page: Page, origin: string, password: string): Promise<void> {
  await page.goto(`${origin}/admin`)
  await page.fill('#admin-password', password)
  await page.click('#admin-login')
  await page.waitForLoadState('load')
}

/**
 * How wide the page is against the window: a page that scrolls sideways on a phone is broken. A
 * mobile browser zooms out to show a too-wide page, which widens `innerWidth` with it, so the width
 * compared against is the smaller of `innerWidth` and the screen's configured width.
 */
export async function overflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  const screen = page.viewportSize()?.width ?? Number.POSITIVE_INFINITY
  const size = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }))
  return { scrollWidth: size.scrollWidth, innerWidth: Math.min(size.innerWidth, screen) }
}

export const shot = async (page: Page, name: string) => {
  // Screenshots are for people: wait until the CJK web fonts and pictures are drawn.
  await page.evaluate(() => document.fonts.ready)
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true })
}

/**
 * From a product page: buy one with the chosen way to pay (`wechat`, `alipay`, `stripe`; default: the
 * one the page checked for this browser), go through the provider's pay step, land on the paid order.
 * `onChoice` runs with the checkout page open (for screenshots). Returns the order number.
 */
export async function buyOne(
  page: Page,
  pay: (page: Page) => Promise<void>,
  options: { choice?: string; onChoice?: (page: Page) => Promise<void> } = {},
): Promise<string> {
  await page.click('#buy')
  await page.waitForURL(/\/checkout\?sku=salted-duck&qty=1/)
  await options.onChoice?.(page)
  if (options.choice) await page.check(`#pay-with-${options.choice}`)
  await page.click('#pay')
  await pay(page)
  await page.locator('#order-status [data-status="paid"]').waitFor()
  return (await page.locator('#order-number').textContent())!.trim()
}

/** The messages page until the `order.paid` message is delivered; returns its text. */
export async function paidMessage(page: Page, origin: string): Promise<string> {
  await page.goto(`${origin}/messages`)
  const item = page.locator('#messages li[data-topic="order.paid"]')
  await item.locator('[data-status="sent"]').waitFor()
  return (await item.textContent()) ?? ''
}

/** Opens the share card on the product page, presses "copy link" and reads the link as a paste would. */
export async function copyShareLink(page: Page, origin: string): Promise<string> {
  await page.goto(`${origin}/products/salted-duck`)
  await page.click('#share-open')
  await page.locator('loopkit-share-card [part="card"]').waitFor()
  await page.click('loopkit-share-card [data-channel="copy"]')
  await page.locator('loopkit-share-card [role="status"]', { hasText: '链接已复制' }).waitFor()
  return page.evaluate(() => navigator.clipboard.readText())
}

/** What the admin page shows about an order, a sharer's reward and the funnel. */
export async function adminView(page: Page, origin: string, input: { order: string; sharer: string }) {
  await page.goto(`${origin}/admin`)
  const order = page.locator(`#admin-orders tr[data-order="${input.order}"]`)
  const reward = page.locator(`#admin-rewards tr[data-sharer="${input.sharer}"]`)
  const steps = await page
    .locator('#funnel g[data-step]')
    .evaluateAll((gs) => gs.map((g) => [g.getAttribute('data-step'), Number(g.getAttribute('data-count'))]))
  return {
    buyer: await order.locator('.buyer').textContent(),
    referrer: await order.locator('.referrer').textContent(),
    reward: await reward.locator('.amount').textContent(),
    rewardStatus: await reward.locator('.badge').textContent(),
    funnel: Object.fromEntries(steps) as Record<string, number>,
  }
}
