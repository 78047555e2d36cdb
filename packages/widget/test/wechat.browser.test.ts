import { jsSdkSignature } from '@loopkit/wechat'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  artifacts,
  launch,
  newContext,
  openCard,
  recordEvents,
  wechatDesktopUa,
  wechatMobileUa,
} from './_helpers/browser.js'
import { startSite, TEST_APPID, TEST_TICKET, type TestSite } from './_helpers/server.js'

let site: TestSite
let browser: Browser

beforeAll(async () => {
  ;[site, browser] = await Promise.all([startSite(), launch()])
})

afterAll(async () => {
  await browser?.close()
  await site?.close()
})

interface WxCall {
  api: string
  args: Record<string, unknown>
}

/** A stand-in for WeChat's `jweixin` that records every call; `ready` fires like the real one, later. */
function stubWx(): void {
  const calls: WxCall[] = []
  const ready: Array<() => void> = []
  ;(window as unknown as { wxCalls: WxCall[] }).wxCalls = calls
  ;(window as unknown as { wx: unknown }).wx = {
    config(args: Record<string, unknown>) {
      calls.push({ api: 'config', args })
      setTimeout(() => {
        for (const fn of ready.splice(0)) fn()
      }, 10)
    },
    ready(fn: () => void) {
      ready.push(fn)
    },
    error(fn: (result: { errMsg: string }) => void) {
      if (location.search.includes('bad-signature'))
        setTimeout(() => fn({ errMsg: 'config:invalid signature' }), 10)
    },
    updateAppMessageShareData(args: Record<string, unknown>) {
      calls.push({ api: 'updateAppMessageShareData', args })
    },
    updateTimelineShareData(args: Record<string, unknown>) {
      calls.push({ api: 'updateTimelineShareData', args })
    },
  }
}

const wxCalls = (page: Page) => page.evaluate(() => (window as unknown as { wxCalls: WxCall[] }).wxCalls)

describe('inside WeChat', () => {
  it('signs the page with the loop and gives WeChat the title, link and picture to share', async () => {
    const share = await site.share('duck')
    const context = await newContext(browser, { userAgent: wechatMobileUa, locale: 'zh-CN' })
    await context.addInitScript(stubWx)
    const page = await context.newPage()
    const url = `${site.pageUrl({ token: share.token })}#from-a-fragment`
    await openCard(page, url)
    await expect
      .poll(async () => (await wxCalls(page)).map((c) => c.api))
      .toEqual(['config', 'updateAppMessageShareData', 'updateTimelineShareData'])
    const [config, chat, timeline] = await wxCalls(page)
    const { timestamp, nonceStr, signature, ...rest } = config!.args as {
      timestamp: number
      nonceStr: string
      signature: string
    }
    expect(rest).toEqual({
      debug: false,
      appId: TEST_APPID,
      jsApiList: ['updateAppMessageShareData', 'updateTimelineShareData'],
    })
    // The loop signed this very page, without its fragment, as WeChat will check it.
    expect(signature).toBe(
      jsSdkSignature({ ticket: TEST_TICKET, nonceStr, timestamp, url: url.split('#')[0]! }),
    )
    const imgUrl = `${site.origin}/img/duck.png`
    expect(chat!.args).toEqual({
      title: '南京盐水鸭 Nanjing salted duck',
      desc: 'Brined, poached and cooled — the Qinhuai way.',
      link: share.link,
      imgUrl,
    })
    expect(timeline!.args).toEqual({ title: '南京盐水鸭 Nanjing salted duck', link: share.link, imgUrl })
    await context.close()
  })

  it('shows the “tap ···” guide for friends and for Moments, and reports both', async () => {
    const share = await site.share('duck')
    const context = await newContext(browser, { userAgent: wechatMobileUa, locale: 'zh-CN' })
    await context.addInitScript(stubWx)
    const page = await context.newPage()
    const events = recordEvents(page)
    await openCard(page, site.pageUrl({ token: share.token }))
    const card = page.locator('loopkit-share-card')
    const buttons = await card.getByRole('group', { name: '分享到' }).locator('button, a').allTextContents()
    expect(buttons).toEqual(['微信好友', '朋友圈', '复制链接', '微博', 'QQ', '生成海报'])

    await card.getByRole('button', { name: '微信好友' }).click()
    const guide = card.getByRole('dialog', { name: '点击右上角 ···，选择“发送给朋友”' })
    await guide.waitFor()
    await page.screenshot({ path: `${artifacts}wechat-guide.png` })
    await page.mouse.click(200, 600) // a tap anywhere closes the guide
    await guide.waitFor({ state: 'detached' })

    await card.getByRole('button', { name: '朋友圈' }).click()
    await card.getByRole('dialog', { name: '点击右上角 ···，选择“分享到朋友圈”' }).waitFor()
    await page.keyboard.press('Escape')
    await expect.poll(() => events.map((e) => e.channel)).toEqual(['wechat', 'wechat-timeline'])
    await context.close()
  })

  it('offers the QR code instead on WeChat for Windows and macOS, without configuring the JS-SDK', async () => {
    const share = await site.share('duck')
    const context = await newContext(browser, { userAgent: wechatDesktopUa })
    await context.addInitScript(stubWx)
    const page = await context.newPage()
    await openCard(page, site.pageUrl({ token: share.token, lang: 'en' }))
    const card = page.locator('loopkit-share-card')
    await card.getByRole('button', { name: 'WeChat' }).click()
    await card.getByRole('dialog', { name: 'Scan with WeChat to share' }).waitFor()
    expect(await wxCalls(page)).toEqual([])
    await context.close()
  })

  it('reports WeChat refusing the configuration as a `loopkit-share-error` and keeps the card', async () => {
    const share = await site.share('duck')
    const context = await newContext(browser, { userAgent: wechatMobileUa })
    await context.addInitScript(stubWx)
    await context.addInitScript(() => {
      document.addEventListener('loopkit-share-error', (e) => {
        ;(window as unknown as { wxError: string }).wxError = (
          (e as CustomEvent).detail.error as Error
        ).message
      })
    })
    const page = await context.newPage()
    await openCard(page, `${site.pageUrl({ token: share.token, lang: 'en' })}&bad-signature=1`)
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { wxError?: string }).wxError))
      .toBe('[loopkit] [widget] WeChat refused wx.config: config:invalid signature.')
    await page.locator('loopkit-share-card').getByRole('button', { name: 'WeChat friend' }).waitFor()
    await context.close()
  })
})
