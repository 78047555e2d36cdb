// Which way to pay the checkout page offers first, from the browser's User-Agent, and what it sends.
import { describe, expect, it } from 'vitest'
import { productById, skuOf } from '../src/catalog.js'
import { checkoutPage } from '../src/pages/checkout.js'
import type { PageContext } from '../src/pages/layout.js'
import { alipayChoice, browserKind, defaultChoice, type PayChoice, stripeChoice } from '../src/pay-choices.js'

const wechatChoice: PayChoice = {
  id: 'wechat',
  provider: 'wechat',
  methods: { wechat: 'jsapi', mobile: 'h5', desktop: 'h5' },
  note: ['微信', 'WeChat'],
}
const all = [wechatChoice, alipayChoice, stripeChoice]

const agents = {
  wechat:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323d) NetType/WIFI Language/zh_CN',
  android:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
  desktop:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
}

describe('the way to pay a browser is offered first', () => {
  it('WeChat Pay inside WeChat, Alipay in other phone browsers and on computers', () => {
    expect(browserKind(agents.wechat)).toBe('wechat')
    expect(browserKind(agents.android)).toBe('mobile')
    expect(browserKind(agents.desktop)).toBe('desktop')
    expect(browserKind(undefined)).toBe('desktop')
    expect(defaultChoice('wechat', all)).toBe('wechat')
    expect(defaultChoice('mobile', all)).toBe('alipay')
    expect(defaultChoice('desktop', all)).toBe('alipay')
    expect(defaultChoice('wechat', [stripeChoice])).toBe('stripe')
  })

  it.each([
    ['wechat', 'wechat', { wechat: 'jsapi', alipay: 'wap', stripe: 'checkout' }],
    ['mobile', 'alipay', { wechat: 'h5', alipay: 'wap', stripe: 'checkout' }],
    ['desktop', 'alipay', { wechat: 'h5', alipay: 'page', stripe: 'checkout' }],
  ] as const)('the checkout page in a %s browser checks %s and sends each provider its method', (kind, checked, methods) => {
    const product = productById('salted-duck')!
    const ctx: PageContext = {
      viewer: { id: 'c1', displayName: 'Alice' },
      loginProvider: 'wechat',
      mode: 'wechat-sim',
      pay: all,
      share: null,
      loginProblem: null,
      admin: false,
    }
    const page = String(
      checkoutPage(ctx, {
        product,
        sku: skuOf(product, 'http://shop', 10),
        quantity: 1,
        path: '/checkout',
        browser: kind,
      }),
    )
    expect(page).toContain(`id="pay-with-${checked}" value="${checked}" checked`)
    expect(page.match(/ checked>/g)).toHaveLength(1)
    const data = JSON.parse(
      /<script type="application\/json" id="checkout-data">(.*?)<\/script>/s.exec(page)![1]!,
    )
    expect(data.choices).toEqual({
      wechat: { provider: 'wechat', method: methods.wechat },
      alipay: { provider: 'alipay', method: methods.alipay },
      stripe: { provider: 'stripe', method: methods.stripe },
    })
  })
})
