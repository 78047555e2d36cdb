import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'

const executablePath = '/usr/bin/chromium'

/** Where screenshots go (git-ignored). */
export const artifacts = fileURLToPath(new URL('../../../../.artifacts/widget/', import.meta.url))

/** Debian's Chromium, headless; install it with `apt-get install -y chromium`. */
export async function launch(): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `The widget's browser tests need Chromium at ${executablePath}: run \`apt-get install -y chromium\`.`,
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

export const wechatMobileUa =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN'
export const wechatDesktopUa =
  'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.138 Safari/537.36 NetType/WIFI MicroMessenger/7.0.20.1781(0x6700143B) WindowsWechat(0x63090a13) XWEB/8555'

/**
 * A context whose requests never leave this machine (127.0.0.1 and localhost): Weibo's and QQ's share pages are answered by a
 * stub page (the tests only check the URL the card opened), anything else is aborted.
 */
export async function newContext(
  browser: Browser,
  options: { userAgent?: string; locale?: string; origin?: string } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 480, height: 900 },
    deviceScaleFactor: 1,
    locale: options.locale ?? 'en-US',
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    acceptDownloads: true,
  })
  if (options.origin)
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: options.origin })
  await context.route(
    (url) => url.hostname !== '127.0.0.1' && url.hostname !== 'localhost',
    (route) => {
      const host = new URL(route.request().url()).hostname
      if (host === 'service.weibo.com' || host === 'connect.qq.com') {
        return route.fulfill({
          status: 200,
          contentType: 'text/html',
          body: '<!doctype html><title>stub share page</title>',
        })
      }
      return route.abort()
    },
  )
  return context
}

/** The card's shadow root is open, so Playwright's locators reach into it. */
export async function openCard(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.locator('loopkit-share-card [part="card"]').waitFor()
}

/** Collects the client events the page posts to the loop. */
export function recordEvents(page: Page): Array<{ type: string; token: string; channel: string }> {
  const events: Array<{ type: string; token: string; channel: string }> = []
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/loop/events')
      events.push(request.postDataJSON())
  })
  return events
}
