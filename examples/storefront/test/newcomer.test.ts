import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStorefront, type Storefront } from '../src/app.js'
import { launch, overflow, person, shot, viewports } from './_browser.js'

// Issue #16: the shop as a newcomer meets it, on a desktop and on a 390×844 phone.

let browser: Browser
let dir: string
let shop: Storefront

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'storefront-newcomer-'))
  browser = await launch()
  shop = await createStorefront({ file: join(dir, 'shop.db'), port: 0, tickMs: 200, log: () => {} })
})

afterAll(async () => {
  await browser?.close()
  await shop?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Asserts the page does not scroll sideways, then keeps a full-page screenshot of it. */
async function fits(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('load')
  const size = await overflow(page)
  expect(
    size.scrollWidth,
    `${name} is ${size.scrollWidth}px wide in a ${size.innerWidth}px window`,
  ).toBeLessThanOrEqual(size.innerWidth)
  await shot(page, name)
}

/** The QR dialog inside the share card's shadow root: its box, and whether any child spills out of it. */
const qrDialog = (page: Page) =>
  page.locator('loopkit-share-card').evaluate((card) => {
    const dialog = card.shadowRoot!.querySelector<HTMLElement>('[role="dialog"]')!
    const box = dialog.getBoundingClientRect()
    const spills = [...dialog.querySelectorAll<HTMLElement>('*')].filter((el) => {
      const r = el.getBoundingClientRect()
      return r.right > box.right + 0.5 || r.left < box.left - 0.5 || el.scrollWidth > el.clientWidth + 1
    })
    return {
      link: dialog.querySelector('p')?.textContent ?? '',
      spills: spills.map((el) => el.tagName),
      inWindow: box.left >= 0 && box.right <= window.innerWidth,
    }
  })

const names = { desktop: "Anne O'Brien", phone: '小丽🦆' } as const

describe.each(['desktop', 'phone'] as const)('a newcomer on a %s', (screen) => {
  it('goes round the loop on pages that fit the screen, with no admin link, friendly errors and no 404s', async () => {
    const size = viewports[screen].viewport
    const prefix = `newcomer-${screen}`
    const { context, page } = await person(browser, shop.url, { screen })
    const missing: string[] = []
    page.on('response', (res) => {
      if (res.status() === 404 && res.request().resourceType() !== 'document') missing.push(res.url())
    })

    await page.goto(`${shop.url}/`)
    // Chinese is drawn with a CJK font (full-width glyphs), not as tofu boxes (what a missing glyph gets).
    const glyphs = await page.evaluate(() => {
      const c = document.createElement('canvas').getContext('2d')!
      c.font = `40px ${getComputedStyle(document.body).fontFamily}`
      return { cjk: c.measureText('盐水鸭').width / 3, missing: c.measureText('\u{E000}').width }
    })
    expect(glyphs.cjk, 'install fonts-noto-cjk (.ci/run does)').toBeCloseTo(40, 0)
    expect(glyphs.cjk).not.toBeCloseTo(glyphs.missing, 0)
    await fits(page, `${prefix}-01-catalogue`)
    expect(await page.locator('a[href="/admin"]').count()).toBe(0)

    // A name with an apostrophe or an emoji is a name.
    await page.goto(`${shop.url}/products/salted-duck`)
    await page.click('#login')
    await page.waitForURL(/\/loop\/sandbox\/login\?/)
    expect(await page.locator('h1').textContent()).toContain('沙箱登录')
    await fits(page, `${prefix}-02-sandbox-login`)
    await page.fill('#sandbox-name', names[screen])
    await page.click('#sandbox-login')
    await page.locator('#viewer', { hasText: names[screen] }).waitFor()
    await fits(page, `${prefix}-03-product`)
    expect(await page.locator('a[href="/admin"]').count()).toBe(0)

    // The share card speaks both languages; the QR dialog keeps its link inside it.
    await page.click('#share-open')
    await page.locator('loopkit-share-card [data-channel="qr"]', { hasText: '微信 WeChat' }).waitFor()
    await fits(page, `${prefix}-04-share-card`)
    await page.click('loopkit-share-card [data-channel="qr"]')
    const qr = await qrDialog(page)
    expect(qr.link).toMatch(new RegExp(`^${shop.url}/loop/s/[0-9A-Za-z_-]{28}$`))
    expect(qr).toMatchObject({ spills: [], inWindow: true })
    await fits(page, `${prefix}-05-qr-dialog`)
    await page.keyboard.press('Escape')
    await page.click('loopkit-share-card [data-channel="copy"]')
    await page.locator('loopkit-share-card [role="status"]', { hasText: '链接已复制 Link copied' }).waitFor()
    const token = qr.link.split('/').pop()!

    // Checkout and the sandbox pay page, then the paid order and the messages.
    await page.goto(`${shop.url}/checkout?sku=salted-duck&qty=2`)
    await fits(page, `${prefix}-06-checkout`)
    // WeChat Pay, which the sandbox stands in for with its own pay page.
    await page.check('#pay-with-wechat')
    await page.click('#pay')
    await page.waitForURL(/\/loop\/sandbox\/pay\//)
    expect(await page.locator('#sandbox-amount').textContent()).toBe('CNY 136.00')
    await fits(page, `${prefix}-07-sandbox-pay`)
    await page.click('#sandbox-pay')
    await page.locator('#order-status [data-status="paid"]').waitFor()
    await fits(page, `${prefix}-08-order`)
    await page.goto(`${shop.url}/messages`)
    await page.locator('#messages li[data-topic="order.paid"] [data-status="sent"]').waitFor()
    await fits(page, `${prefix}-09-messages`)
    await page.goto(`${shop.url}/orders`)
    await fits(page, `${prefix}-10-orders`)

    // A friend with a mangled link gets the shop's page, not JSON; a forged token shows no banner.
    const friend = await person(browser, shop.url, { screen })
    const broken = await friend.page.goto(`${shop.url}/loop/s/${token.slice(0, 20)}`)
    expect(broken!.status()).toBe(404)
    expect(broken!.headers()['content-type']).toBe('text/html; charset=utf-8')
    expect(await friend.page.locator('h1').textContent()).toContain('This share link is not valid')
    await fits(friend.page, `${prefix}-11-broken-share-link`)
    await friend.page.click('a.btn', { timeout: 5000 })
    await friend.page.waitForURL(`${shop.url}/`)
    const forged = `${token.slice(0, 12)}${'A'.repeat(16)}`
    await friend.page.goto(`${shop.url}/products/salted-duck?share=${forged}`)
    expect(await friend.page.locator('#referred').count()).toBe(0)
    await friend.page.goto(`${shop.url}/loop/s/${token}`)
    await friend.page.locator('#referred').waitFor()
    await fits(friend.page, `${prefix}-12-referred-product`)
    await friend.page.goto(`${shop.url}/no-such-page`)
    await fits(friend.page, `${prefix}-13-not-found`)

    // The admin page names every buyer: refused without the password, and with a page not a stack.
    const refused = await friend.page.goto(`${shop.url}/admin`)
    expect(refused!.status()).toBe(401)
    const html = await friend.page.content()
    expect(html).not.toContain(names[screen].replace("'", '&#39;'))
    expect(html).not.toContain(names[screen])
    expect(await friend.page.locator('#admin-orders').count()).toBe(0)
    await fits(friend.page, `${prefix}-14-admin-refused`)
    await friend.page.fill('#admin-password', `${shop.adminPassword}x`)
    await friend.page.click('#admin-login')
    await friend.page.locator('#admin-wrong').waitFor()
    expect(await friend.page.locator('#admin-orders').count()).toBe(0)
    // Neither a script without the password nor one with a wrong one gets in.
    expect((await fetch(`${shop.url}/admin`)).status).toBe(401)
    const basic = (password: string) => ({
      authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`,
    })
    expect((await fetch(`${shop.url}/admin`, { headers: basic('nope') })).status).toBe(401)
    expect((await fetch(`${shop.url}/admin`, { headers: basic(shop.adminPassword) })).status).toBe(200)

    const owner = await person(browser, shop.url, { screen, admin: shop.adminPassword })
    expect(new URL(owner.page.url()).pathname).toBe('/admin')
    await owner.page.locator('#admin-link').waitFor()
    const buyerRow = owner.page.locator(`#admin-orders tr[data-buyer="${names[screen]}"]`)
    expect(await buyerRow.count()).toBeGreaterThan(0)
    const share = owner.page.locator(`#admin-shares tr td.channels`)
    expect(await share.allTextContents()).toContainEqual(expect.stringMatching(/qr · copy/))
    await fits(owner.page, `${prefix}-15-admin`)

    expect(missing, 'sub-resources that answered 404 (a favicon, a picture)').toEqual([])
    expect(size.width).toBe(screen === 'phone' ? 390 : 1280)
    await owner.context.close()
    await friend.context.close()
    await context.close()
  })
})
