import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launch, newContext, openCard, recordEvents } from './_helpers/browser.js'
import { startSite, type TestSite } from './_helpers/server.js'

let site: TestSite
let browser: Browser

beforeAll(async () => {
  ;[site, browser] = await Promise.all([startSite(), launch()])
})

afterAll(async () => {
  await browser?.close()
  await site?.close()
})

/** Headless Chromium on Linux has no Web Share; this stands in for a phone's and records the calls. */
function stubWebShare(): void {
  const calls: Array<{
    title?: string
    text?: string
    url?: string
    files?: Array<{ name: string; type: string; size: number }>
  }> = []
  ;(window as unknown as { shareCalls: typeof calls }).shareCalls = calls
  Object.defineProperty(navigator, 'canShare', {
    value: (data: ShareData) => !data.files || data.files.every((f) => f.type === 'image/png'),
  })
  Object.defineProperty(navigator, 'share', {
    value: async (data: ShareData) => {
      calls.push({
        ...data,
        files: data.files?.map((f) => ({ name: f.name, type: f.type, size: f.size })),
      } as never)
    },
  })
}

describe('share channels', () => {
  it('opens Weibo and QQ with the share link and title', async () => {
    const share = await site.share('duck')
    const context = await newContext(browser)
    const page = await context.newPage()
    await openCard(page, site.pageUrl({ token: share.token, lang: 'en' }))
    const card = page.locator('loopkit-share-card')
    const title = '南京盐水鸭 Nanjing salted duck'

    const [weibo] = await Promise.all([
      context.waitForEvent('page'),
      card.getByRole('link', { name: 'Weibo' }).click(),
    ])
    await weibo.waitForLoadState()
    const weiboUrl = new URL(weibo.url())
    expect(weiboUrl.origin + weiboUrl.pathname).toBe('https://service.weibo.com/share/share.php')
    expect(Object.fromEntries(weiboUrl.searchParams)).toEqual({ url: share.link, title })

    const [qq] = await Promise.all([
      context.waitForEvent('page'),
      card.getByRole('link', { name: 'QQ' }).click(),
    ])
    await qq.waitForLoadState()
    const qqUrl = new URL(qq.url())
    expect(qqUrl.origin + qqUrl.pathname).toBe('https://connect.qq.com/widget/shareqq/index.html')
    expect(Object.fromEntries(qqUrl.searchParams)).toEqual({ url: share.link, title })
    await context.close()
  })

  it('hands title, link and the poster PNG to the Web Share API where files can be shared', async () => {
    const share = await site.share('duck')
    const context = await newContext(browser)
    await context.addInitScript(stubWebShare)
    const page = await context.newPage()
    await openCard(page, site.pageUrl({ token: share.token, lang: 'en' }))
    const card = page.locator('loopkit-share-card')
    const more = card.getByRole('button', { name: 'More…' })
    // The poster is drawn ahead of time so the file is ready within the tap's user activation.
    await expect
      .poll(async () => {
        await more.click()
        const calls = await page.evaluate(
          () => (window as unknown as { shareCalls: Array<{ files?: unknown[] }> }).shareCalls,
        )
        return calls.at(-1)?.files?.length ?? 0
      })
      .toBe(1)
    const calls = await page.evaluate(() => (window as unknown as { shareCalls: unknown[] }).shareCalls)
    expect(calls.at(-1)).toEqual({
      title: '南京盐水鸭 Nanjing salted duck',
      text: 'Brined, poached and cooled — the Qinhuai way.',
      url: share.link,
      files: [{ name: 'poster.png', type: 'image/png', size: expect.any(Number) }],
    })
    await context.close()
  })

  it('reports every action to the loop, which records it, and as a `loopkit-share` DOM event', async () => {
    const share = await site.share('duck')
    const context = await newContext(browser, { origin: site.origin })
    await context.addInitScript(stubWebShare)
    const page = await context.newPage()
    const posted = recordEvents(page)
    await openCard(page, site.pageUrl({ token: share.token, lang: 'en' }))
    await page.evaluate(() => {
      const seen: unknown[] = []
      ;(window as unknown as { seen: unknown[] }).seen = seen
      document.addEventListener('loopkit-share', (e) => seen.push((e as CustomEvent).detail))
    })
    const card = page.locator('loopkit-share-card')
    await card.getByRole('button', { name: 'WeChat' }).click()
    await page.keyboard.press('Escape')
    await card.getByRole('button', { name: 'More…' }).click()
    await card.getByRole('button', { name: 'Copy link' }).click()
    for (const name of ['Weibo', 'QQ']) {
      const [popup] = await Promise.all([
        context.waitForEvent('page'),
        card.getByRole('link', { name }).click(),
      ])
      await popup.close()
    }
    await card.getByRole('button', { name: 'Poster' }).click()
    await card.getByRole('link', { name: 'Save image' }).waitFor()

    const channels = ['qr', 'web-share', 'copy', 'weibo', 'qq', 'poster']
    await expect.poll(() => posted.map((e) => e.channel)).toEqual(channels)
    expect(posted.every((e) => e.type === 'share.action' && e.token === share.token)).toBe(true)
    expect(await page.evaluate(() => (window as unknown as { seen: unknown[] }).seen)).toEqual(
      channels.map((channel) => ({ channel, shareId: share.shareId })),
    )
    await expect
      .poll(async () => {
        const events = await site.loop.analytics.events({ types: ['share.action'] })
        return events.filter((e) => e.data.shareId === share.shareId).map((e) => e.data.channel)
      })
      .toEqual(channels)
    await context.close()
  })
})

describe('a card made from a `sku` for the logged-in viewer', () => {
  it('creates the share with POST /shares after a login through the sandbox identity flow', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    const returnTo = new URL(site.pageUrl({ sku: 'duck', lang: 'en' }))
    await page.goto(
      `${site.endpoint}/login/sandbox?returnTo=${encodeURIComponent(returnTo.pathname + returnTo.search)}`,
    )
    await page.locator('#sandbox-name').fill('Lin')
    await page.locator('#sandbox-login').click()
    await page.waitForURL(returnTo.href)
    const card = page.locator('loopkit-share-card')
    await card.locator('[part="card"]').waitFor()
    const data = (await card.evaluate((el) => (el as HTMLElement & { card: unknown }).card)) as {
      shareId: string
      link: string
    }
    const shares = await site.loop.shares.list()
    const created = shares.find((s) => s.id === data.shareId)
    expect(created?.skuId).toBe('duck')
    // The share belongs to the customer the sandbox login created (it folds the name to lower case).
    expect((await site.loop.customers.get(created!.customerId))?.identities).toEqual([
      expect.objectContaining({ provider: 'sandbox', subject: 'lin' }),
    ])
    expect(data.link).toMatch(new RegExp(`^${site.endpoint}/s/`))
    await context.close()
  })

  it('asks a visitor who is not logged in to log in, and says why in a `loopkit-share-error` event', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.addInitScript(() => {
      document.addEventListener('loopkit-share-error', (e) => {
        ;(window as unknown as { errorCode: string }).errorCode = (
          (e as CustomEvent).detail.error as { code: string }
        ).code
      })
    })
    await page.goto(site.pageUrl({ sku: 'duck', lang: 'en' }))
    await page
      .locator('loopkit-share-card')
      .getByRole('alert')
      .filter({ hasText: 'Log in to share.' })
      .waitFor()
    expect(await page.evaluate(() => (window as unknown as { errorCode: string }).errorCode)).toBe(
      'unauthorized',
    )
    await context.close()
  })
})
