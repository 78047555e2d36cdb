import { readFile, writeFile } from 'node:fs/promises'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifacts, launch, newContext, openCard, recordEvents } from './_helpers/browser.js'
import { pixelAt, readQrPng } from './_helpers/qr-reader.js'
import { startSite, type TestSite } from './_helpers/server.js'

/** Scaling the picture blends neighbouring pixels a little. */
function expectColour(actual: number[], expected: number[]): void {
  for (const [i, c] of actual.entries()) {
    expect(Math.abs(c - expected[i]!), `channel ${i} of ${actual}`).toBeLessThanOrEqual(4)
  }
}

let site: TestSite
let browser: Browser

beforeAll(async () => {
  ;[site, browser] = await Promise.all([startSite(), launch()])
})

afterAll(async () => {
  await browser?.close()
  await site?.close()
})

describe('<loopkit-share-card> against a real loop', () => {
  it('renders the card the loop serves: picture, title, description and price', async () => {
    const share = await site.share('duck')
    const context = await newContext(browser)
    const page = await context.newPage()
    await openCard(page, site.pageUrl({ token: share.token, lang: 'en' }))
    const card = page.locator('loopkit-share-card')
    await expect(card.locator('[part="title"]').textContent()).resolves.toBe('南京盐水鸭 Nanjing salted duck')
    await expect(card.locator('[part="description"]').textContent()).resolves.toBe(
      'Brined, poached and cooled — the Qinhuai way.',
    )
    await expect(card.locator('[part="price"]').textContent()).resolves.toBe('¥88.00')
    await card.locator('[part="image"]').evaluate((img: HTMLImageElement) => img.decode())
    expect(await card.locator('[part="image"]').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(
      600,
    )
    const buttons = await card.getByRole('group', { name: 'Share to' }).locator('button, a').allTextContents()
    expect(buttons).toEqual(['WeChat', 'Copy link', 'Weibo', 'QQ', 'Poster'])
    await card.screenshot({ path: `${artifacts}card-en.png` })
    await context.close()
  })

  it('speaks Chinese when the browser does, and when told with `lang`', async () => {
    const share = await site.share('duck')
    const context = await newContext(browser, { locale: 'zh-CN' })
    const page = await context.newPage()
    await openCard(page, site.pageUrl({ token: share.token }))
    const group = page.locator('loopkit-share-card').getByRole('group', { name: '分享到' })
    expect(await group.locator('button, a').allTextContents()).toEqual([
      '微信',
      '复制链接',
      '微博',
      'QQ',
      '生成海报',
    ])
    await page.locator('loopkit-share-card').screenshot({ path: `${artifacts}card-zh.png` })
    await page.locator('loopkit-share-card').evaluate((el) => el.setAttribute('lang', 'en'))
    await page.locator('loopkit-share-card').getByRole('button', { name: 'Copy link' }).waitFor()
    // A bilingual page asks for both languages, first language first.
    await page.locator('loopkit-share-card').evaluate((el) => el.setAttribute('lang', 'zh-CN,en'))
    const both = page.locator('loopkit-share-card').getByRole('group', { name: '分享到 Share to' })
    await both.getByRole('button', { name: '复制链接 Copy link' }).waitFor()
    expect(await both.locator('button, a').allTextContents()).toEqual([
      '微信 WeChat',
      '复制链接 Copy link',
      '微博 Weibo',
      'QQ',
      '生成海报 Poster',
    ])
    await context.close()
  })

  it('copies the share link to the clipboard and says so', async () => {
    const share = await site.share('duck')
    const context = await newContext(browser, { origin: site.origin })
    const page = await context.newPage()
    const events = recordEvents(page)
    await openCard(page, site.pageUrl({ token: share.token, lang: 'en' }))
    const card = page.locator('loopkit-share-card')
    await card.getByRole('button', { name: 'Copy link' }).click()
    await card.getByRole('status').filter({ hasText: 'Link copied' }).waitFor()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(share.link)
    await expect.poll(() => events).toEqual([{ type: 'share.action', token: share.token, channel: 'copy' }])
    await context.close()
  })

  it('still copies where the Clipboard API refuses (the execCommand fallback)', async () => {
    const share = await site.share('duck')
    const context = await newContext(browser, { origin: site.origin })
    await context.addInitScript(() => {
      Object.defineProperty(navigator.clipboard, 'writeText', {
        value: () => Promise.reject(new DOMException('denied', 'NotAllowedError')),
      })
    })
    const page = await context.newPage()
    await openCard(page, site.pageUrl({ token: share.token, lang: 'en' }))
    const card = page.locator('loopkit-share-card')
    await card.getByRole('button', { name: 'Copy link' }).click()
    await card.getByRole('status').filter({ hasText: 'Link copied' }).waitFor()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(share.link)
    await context.close()
  })

  it('shows a QR code of the share link in an accessible dialog: Escape closes it and the focus returns', async () => {
    const share = await site.share('duck')
    const context = await newContext(browser)
    const page = await context.newPage()
    const events = recordEvents(page)
    await openCard(page, site.pageUrl({ token: share.token, lang: 'en' }))
    const card = page.locator('loopkit-share-card')
    const opener = card.getByRole('button', { name: 'WeChat' })
    await opener.focus()
    await page.keyboard.press('Enter')
    const dialog = card.getByRole('dialog', { name: 'Scan with WeChat to share' })
    await dialog.waitFor()
    expect(await dialog.getAttribute('aria-modal')).toBe('true')
    const qr = dialog.getByRole('img', { name: 'QR code of the link' })
    const shot = await qr.screenshot({ path: `${artifacts}qr.png` })
    expect(readQrPng(shot).text).toBe(share.link)

    // Tab stays inside the dialog (its one control is the close button).
    await page.keyboard.press('Tab')
    expect(await card.evaluate((el) => el.shadowRoot!.activeElement?.getAttribute('aria-label'))).toBe(
      'Close',
    )
    await page.keyboard.press('Tab')
    expect(await card.evaluate((el) => el.shadowRoot!.activeElement?.getAttribute('aria-label'))).toBe(
      'Close',
    )
    await page.keyboard.press('Shift+Tab')
    expect(await card.evaluate((el) => el.shadowRoot!.activeElement?.getAttribute('aria-label'))).toBe(
      'Close',
    )

    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect(await card.evaluate((el) => el.shadowRoot!.activeElement?.getAttribute('data-channel'))).toBe('qr')
    await expect.poll(() => events.map((e) => e.channel)).toEqual(['qr'])
    await context.close()
  })

  it('draws a 750×1334 PNG poster whose QR code reads back as the share link, and saves it', async () => {
    const share = await site.share('duck')
    const context = await newContext(browser)
    const page = await context.newPage()
    const events = recordEvents(page)
    await openCard(page, site.pageUrl({ token: share.token, lang: 'en' }))
    const card = page.locator('loopkit-share-card')
    await card.getByRole('button', { name: 'Poster' }).click()
    const dialog = card.getByRole('dialog', { name: 'Poster' })
    const image = dialog.getByRole('img', { name: 'Poster: 南京盐水鸭 Nanjing salted duck' })
    await image.waitFor()
    await page.screenshot({ path: `${artifacts}poster-dialog.png` })

    // The focus starts on the first control and Tab cycles between Save and Close only.
    const focused = () => card.evaluate((el) => el.shadowRoot!.activeElement?.textContent)
    expect(await focused()).toBe('Save image')
    await page.keyboard.press('Tab')
    expect(await focused()).toBe('×')
    await page.keyboard.press('Tab')
    expect(await focused()).toBe('Save image')
    await page.keyboard.press('Shift+Tab')
    expect(await focused()).toBe('×')

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('link', { name: 'Save image' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('poster.png')
    const saved = `${artifacts}poster.png`
    await download.saveAs(saved)
    const png = await readFile(saved)
    const poster = readQrPng(png)
    expect(poster).toEqual({ width: 750, height: 1334, text: share.link })
    // The product picture was drawn (its server allows CORS): the top-left corner is the picture's
    // warm background, not the accent colour drawn in its place.
    expectColour(pixelAt(png, 10, 10), [240, 170, 90])
    await expect.poll(() => events.map((e) => e.channel)).toEqual(['poster'])
    await context.close()
  })

  it('still draws the poster when the picture cannot be read (no CORS on the image)', async () => {
    const share = await site.share('tea')
    const context = await newContext(browser)
    const page = await context.newPage()
    await openCard(page, site.pageUrl({ token: share.token, lang: 'en' }))
    const card = page.locator('loopkit-share-card')
    await card.getByRole('button', { name: 'Poster' }).click()
    const image = card.getByRole('img', { name: 'Poster: Yuhua tea' })
    await image.waitFor()
    const src = await image.getAttribute('src')
    const bytes = await page.evaluate(
      async (url) => Array.from(new Uint8Array(await (await fetch(url!)).arrayBuffer())),
      src,
    )
    const poster = readQrPng(Buffer.from(bytes))
    expect(poster).toEqual({ width: 750, height: 1334, text: share.link })
    expectColour(pixelAt(Buffer.from(bytes), 10, 10), [0x07, 0xc1, 0x60]) // the accent instead of the picture
    await writeFile(`${artifacts}poster-no-picture.png`, Buffer.from(bytes))
    await context.close()
  })

  it('takes its colours and corners from CSS custom properties set outside the shadow root', async () => {
    const share = await site.share('tea')
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.addInitScript(() => {
      document.addEventListener('DOMContentLoaded', () => {
        const style = document.createElement('style')
        style.textContent =
          'loopkit-share-card{--loopkit-accent:#cc0000;--loopkit-radius:0px;--loopkit-font:serif}'
        document.head.append(style)
      })
    })
    await openCard(page, site.pageUrl({ token: share.token, lang: 'en' }))
    const card = page.locator('loopkit-share-card')
    const look = await card.locator('[part="card"]').evaluate((el) => {
      const price = getComputedStyle(el.querySelector('[part="price"]')!)
      return { price: price.color, font: price.fontFamily, radius: getComputedStyle(el).borderTopLeftRadius }
    })
    expect(look).toEqual({ price: 'rgb(204, 0, 0)', font: 'serif', radius: '0px' })
    // The poster uses the accent too (here in place of the picture the canvas may not read).
    await card.getByRole('button', { name: 'Poster' }).click()
    const src = await card.getByRole('img', { name: 'Poster: Yuhua tea' }).getAttribute('src')
    const bytes = await page.evaluate(
      async (url) => Array.from(new Uint8Array(await (await fetch(url!)).arrayBuffer())),
      src,
    )
    expectColour(pixelAt(Buffer.from(bytes), 10, 10), [0xcc, 0, 0])
    await context.close()
  })
})
