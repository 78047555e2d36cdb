import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStorefront, type Storefront } from '../src/app.js'
import { buyOne, launch, overflow, person, shot } from './_browser.js'

let browser: Browser
let dir: string
let shop: Storefront

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'storefront-campaign-'))
  browser = await launch()
  shop = await createStorefront({
    file: join(dir, 'shop.db'),
    port: 0,
    mode: 'wechat-sim',
    tickMs: 200,
    log: () => {},
  })
})

afterAll(async () => {
  await browser?.close()
  await shop?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Picks a simulated WeChat user on the authorize page; the simulator issues the OAuth code. */
async function wechatLogin(page: Page, user: string, nickname: string): Promise<void> {
  await page.waitForURL(/\/wechat-sim\/connect\/oauth2\/authorize\?/)
  await page.click(`[data-sim-user="${user}"]`)
  await page.locator('#viewer', { hasText: nickname }).waitFor()
}

/** The page fits a phone's width (nothing scrolls sideways) and is kept as a screenshot. */
async function fitsPhone(page: Page, name: string): Promise<void> {
  const size = await overflow(page)
  expect(size.scrollWidth, `${name}: ${size.scrollWidth}px`).toBeLessThanOrEqual(size.innerWidth)
  await shot(page, name)
}

const number = async (page: Page, selector: string) =>
  Number(await page.locator(selector).getAttribute('data-value'))

describe('a campaign to the week’s new followers, end to end in Chromium (--wechat, SQLite)', () => {
  it('poster QR → follow → Customers and the audience → campaign sent → received → opened → bought → report', async () => {
    // The sharer makes a poster: its QR code is the official account's parametric code for a share.
    const sharer = await person(browser, shop.url)
    await sharer.page.goto(`${shop.url}/products/salted-duck`)
    await sharer.page.click('#login')
    await wechatLogin(sharer.page, 'alice', '小丽')
    await sharer.page.click('#poster-open')
    await sharer.page.locator('#poster-qr svg').waitFor()
    const ticket = await sharer.page.locator('#poster').getAttribute('data-ticket')
    expect(ticket).toBeTruthy()
    const scanHref = await sharer.page.locator('#poster-scan').getAttribute('href')
    await shot(sharer.page, 'campaign-1-poster')

    // Carol, new to the shop, scans it on her phone: the simulator pushes `subscribe` + `qrscene_<token>`.
    const follower = await person(browser, shop.url, { screen: 'phone' })
    await follower.page.goto(`${shop.url}${scanHref}`)
    await follower.page.fill('#sim-scan-user', 'carol')
    await follower.page.click('#sim-scan-button')
    await follower.page.waitForURL(/\/wechat-sim\?scanned=carol/)
    expect(new URL(follower.page.url()).searchParams.get('answer')).toBe('200')

    // The admin (on a phone) sees her in the pool and in "new followers this week"; alice, who logged
    // in but does not follow, is in the pool only.
    const owner = await person(browser, shop.url, { screen: 'phone', admin: shop.adminPassword })
    await owner.page.goto(`${shop.url}/admin/customers`)
    expect(await owner.page.locator('#customers tr[data-customer]').count()).toBe(2)
    expect(await owner.page.locator('#customers .followed .badge.sent').count()).toBe(1)
    await owner.page.selectOption('#f-audience', 'new-followers-week')
    await owner.page.click('#apply-filter')
    await owner.page.waitForURL(/audience=new-followers-week/)
    expect(await owner.page.locator('#audience-count').getAttribute('data-count')).toBe('1')
    const row = owner.page.locator('#customers tr[data-customer]')
    expect(await row.count()).toBe(1)
    expect(await row.locator('.providers').textContent()).toBe('wechat')
    expect(await row.locator('.followed .badge').textContent()).toContain('follows')
    await fitsPhone(owner.page, 'campaign-2-customers-phone')
    const carolId = await row.getAttribute('data-customer')

    // The filter builder's live count follows the form as the admin types.
    await owner.page.goto(`${shop.url}/admin/customers`)
    await owner.page.selectOption('#f-followed', 'yes')
    await owner.page.locator('#audience-count[data-count="1"]').waitFor()
    await owner.page.fill('#f-minOrders', '1')
    await owner.page.locator('#audience-count[data-count="0"]').waitFor()

    // The campaign: to that audience, on WeChat template messages, previewed, then sent.
    await owner.page.goto(`${shop.url}/admin/campaigns`)
    await owner.page.selectOption('#campaign-audience', 'new-followers-week')
    await owner.page.fill('#campaign-name', 'Welcome week')
    await owner.page.fill('#campaign-title', '新关注礼 Welcome')
    await owner.page.fill('#campaign-body', '盐水鸭上新 Salted duck is back')
    await owner.page.fill('#campaign-url', '/products/salted-duck')
    await owner.page.selectOption('#channel-0', 'wechat')
    await fitsPhone(owner.page, 'campaign-3-new-phone')
    await owner.page.click('#create-campaign')
    await owner.page.locator('#preview').waitFor()
    expect(await number(owner.page, '#preview-members')).toBe(1)
    expect(await number(owner.page, '#preview-reached')).toBe(1)
    expect(
      await owner.page.locator(`#preview-sample tr[data-customer="${carolId}"] code`).textContent(),
    ).toBe('wechat')
    await fitsPhone(owner.page, 'campaign-4-preview-phone')
    const reportUrl = owner.page.url()
    await owner.page.click('#campaign-send')
    await owner.page.locator('#campaign [data-status="sent"]').waitFor()
    expect(await number(owner.page, '#report-reach')).toBe(1)
    // The dispatcher delivers the row in the background: the report counts it once it is sent.
    await expect
      .poll(
        async () => {
          await owner.page.goto(reportUrl)
          return number(owner.page, '#report-sent')
        },
        { timeout: 10_000 },
      )
      .toBe(1)

    // Carol received it: WeChat delivered the template message, with its link.
    await follower.page.goto(`${shop.url}/wechat-sim`)
    const message = follower.page.locator(
      '#sim-messages tr[data-user="carol"][data-template="sim_tmpl_campaign"]',
    )
    expect(await message.textContent()).toContain('新关注礼 Welcome')
    // The message's link is the campaign's signed link, which leads to the page the admin chose.
    const link = await message.locator('a.sim-message-link').getAttribute('href')
    expect(link).toMatch(new RegExp(`^${shop.url}/loop/c/[A-Za-z0-9_.-]+$`))
    expect(await owner.page.locator('#campaign-link').textContent()).toBe(link)

    // She opens it (a click on the report), logs in with WeChat (the same openid, so the same
    // customer) and buys: the order is attributed to the campaign.
    await follower.page.goto(link!)
    await follower.page.waitForURL(`${shop.url}/products/salted-duck`)
    await follower.page.click('#login')
    await wechatLogin(follower.page, 'carol', 'carol')
    const order = await buyOne(follower.page, async () => {}, { choice: 'wechat' })
    expect(order).toBeTruthy()
    const mine = await shop.loop.orders.list({ customerId: carolId! })
    expect(mine.map((o) => [o.status, o.total])).toEqual([['paid', 6800]])
    const campaignId = await owner.page.locator('#campaign').getAttribute('data-campaign')
    expect(mine[0]!.attribution).toMatchObject({ campaignId })

    // Her messages page shows the campaign as delivered.
    await follower.page.goto(`${shop.url}/messages`)
    await follower.page.locator('#messages li[data-topic="campaign"] [data-status="sent"]').waitFor()

    // The Customers page now knows her by name, with her order in the RFM columns; the admin page
    // shows the poster share with the visit her scan recorded.
    await owner.page.goto(`${shop.url}/admin/customers?audience=new-followers-week`)
    const carol = owner.page.locator(`#customers tr[data-customer="${carolId}"]`)
    expect(await carol.getAttribute('data-name')).toBe('carol')
    expect(await carol.locator('.frequency').textContent()).toBe('1')
    expect(await carol.locator('.monetary').textContent()).toBe('¥68.00')
    expect(await carol.locator('.recency').textContent()).toContain('today')
    await owner.page.goto(`${shop.url}/admin`)
    const poster = owner.page.locator('#admin-shares tr[data-share]', { hasText: 'poster' })
    expect(await poster.locator('td.num').textContent()).toBe('1')

    // The campaigns list shows it sent.
    await owner.page.goto(`${shop.url}/admin/campaigns`)
    expect(
      await owner.page.locator('#campaigns tr[data-campaign] [data-status]').getAttribute('data-status'),
    ).toBe('sent')
    await fitsPhone(owner.page, 'campaign-5-list-phone')
    // The report shows what the link brought: one person clicked, one order, ¥68.00.
    await owner.page.goto(reportUrl)
    expect(await number(owner.page, '#report-clicks')).toBe(1)
    expect(await number(owner.page, '#report-orders')).toBe(1)
    expect(await number(owner.page, '#report-buyers')).toBe(1)
    expect(await number(owner.page, '#report-revenue')).toBe(6800)
    expect(await owner.page.locator('#report-revenue strong').textContent()).toBe('¥68.00')
    await fitsPhone(owner.page, 'campaign-6-report-phone')

    await Promise.all([sharer.context.close(), follower.context.close(), owner.context.close()])
  })
})
