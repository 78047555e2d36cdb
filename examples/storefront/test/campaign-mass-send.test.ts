import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStorefront, type Storefront } from '../src/app.js'
import { launch, person, shot } from './_browser.js'

let browser: Browser
let dir: string
let shop: Storefront

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'storefront-mass-'))
  browser = await launch()
  shop = await createStorefront({
    file: join(dir, 'shop.db'),
    port: 0,
    mode: 'wechat-sim',
    tickMs: 200,
    // One mass send a day: the second campaign meets the simulated quota (45028).
    wechatMassSendsPerDay: 1,
    log: () => {},
  })
})

afterAll(async () => {
  await browser?.close()
  await shop?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

const number = async (page: Page, selector: string) =>
  Number(await page.locator(selector).getAttribute('data-value'))

/** The report page's figure `id` once it reads `value` (the dispatcher and WeChat's push run in the background). */
async function reportShows(page: Page, url: string, id: string, value: number): Promise<void> {
  await expect
    .poll(
      async () => {
        await page.goto(url)
        return number(page, `#${id}`)
      },
      { timeout: 10_000 },
    )
    .toBe(value)
}

/** Creates a campaign to the week's new followers on the plan `wechat-mass`, then `wechat`, and sends it. */
async function massCampaign(page: Page, title: string): Promise<string> {
  await page.goto(`${shop.url}/admin/campaigns`)
  await page.selectOption('#campaign-audience', 'new-followers-week')
  await page.fill('#campaign-title', title)
  await page.fill('#campaign-body', '盐水鸭上新 Salted duck is back')
  await page.fill('#campaign-url', '/products/salted-duck')
  await page.selectOption('#channel-0', 'wechat-mass')
  await page.selectOption('#channel-1', 'wechat')
  await page.click('#create-campaign')
  await page.locator('#preview').waitFor()
  expect(await number(page, '#preview-members')).toBe(2)
  expect(await page.locator('#preview-sample code', { hasText: 'wechat-mass' }).count()).toBe(2)
  const url = page.url()
  await page.click('#campaign-send')
  await page.locator('#campaign [data-status="sent"]').waitFor()
  return url
}

describe('a campaign as the official account’s mass send, end to end in Chromium (--wechat, SQLite)', () => {
  it('goes out as one mass send through the simulator, MASSSENDJOBFINISH counts on the report; past the daily quota the next falls back to template messages', async () => {
    // Two people follow the account by scanning a sharer's poster.
    const sharer = await person(browser, shop.url)
    await sharer.page.goto(`${shop.url}/products/salted-duck`)
    await sharer.page.click('#login')
    await sharer.page.waitForURL(/\/wechat-sim\/connect\/oauth2\/authorize\?/)
    await sharer.page.click('[data-sim-user="alice"]')
    await sharer.page.click('#poster-open')
    await sharer.page.locator('#poster-qr svg').waitFor()
    const scanHref = await sharer.page.locator('#poster-scan').getAttribute('href')
    const phone = await person(browser, shop.url, { screen: 'phone' })
    for (const user of ['carol', 'dave']) {
      await phone.page.goto(`${shop.url}${scanHref}`)
      await phone.page.fill('#sim-scan-user', user)
      await phone.page.click('#sim-scan-button')
      await phone.page.waitForURL(new RegExp(`/wechat-sim\\?scanned=${user}`))
      expect(new URL(phone.page.url()).searchParams.get('answer')).toBe('200')
    }

    // The first campaign: one mass send to both openids.
    const owner = await person(browser, shop.url, { screen: 'phone', admin: shop.adminPassword })
    const first = await massCampaign(owner.page, '群发 Mass one')
    expect(await number(owner.page, '#report-mass-jobs')).toBe(1)
    expect(await number(owner.page, '#report-mass-recipients')).toBe(2)
    // WeChat reports the job finished a second later (MASSSENDJOBFINISH, signed and encrypted).
    await reportShows(owner.page, first, 'report-mass-finished', 1)
    expect(await number(owner.page, '#report-mass-sent')).toBe(2)
    expect(await number(owner.page, '#report-mass-errors')).toBe(0)
    expect(await number(owner.page, '#report-sent')).toBe(2)
    expect(
      await owner.page.locator('#report-by-channel [data-reason="wechat-mass"] strong').textContent(),
    ).toBe('2')
    expect(await owner.page.locator('#report-fell-back [data-reason]').count()).toBe(0)
    await shot(owner.page, 'mass-1-report-phone')

    // The simulator's record: one job to two followers, both of whom received the text.
    await phone.page.goto(`${shop.url}/wechat-sim`)
    const jobs = phone.page.locator('#sim-mass-jobs tbody tr')
    expect(await jobs.count()).toBe(1)
    expect(await jobs.first().getAttribute('data-total')).toBe('2')
    expect(await jobs.first().getAttribute('data-sent')).toBe('2')
    expect((await jobs.first().locator('.sim-mass-user').allTextContents()).sort()).toEqual(['carol', 'dave'])
    expect(await phone.page.locator('#sim-messages tr[data-template="sim_tmpl_campaign"]').count()).toBe(0)

    // The second campaign the same day: the quota refuses the mass send (45028), and each follower
    // gets the plan's next channel, a template message, once.
    const second = await massCampaign(owner.page, '群发 Mass two')
    expect(await number(owner.page, '#report-mass-jobs')).toBe(0)
    expect(
      await owner.page.locator('#report-fell-back [data-reason="quota_exceeded"] strong').textContent(),
    ).toBe('2')
    await reportShows(owner.page, second, 'report-sent', 2)
    expect(await owner.page.locator('#report-by-channel [data-reason="wechat"] strong').textContent()).toBe(
      '2',
    )
    expect(await number(owner.page, '#report-failed')).toBe(0)
    await shot(owner.page, 'mass-2-fell-back-phone')

    await phone.page.goto(`${shop.url}/wechat-sim`)
    expect(await phone.page.locator('#sim-mass-jobs tbody tr').count()).toBe(1)
    const templates = phone.page.locator('#sim-messages tr[data-template="sim_tmpl_campaign"]')
    expect(
      (await templates.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-user')))).sort(),
    ).toEqual(['carol', 'dave'])
    expect(await templates.first().textContent()).toContain('群发 Mass two')

    await Promise.all([sharer.context.close(), phone.context.close(), owner.context.close()])
  })
})
