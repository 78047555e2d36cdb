import type { Sku } from '@loopkit/core'
import type { Product } from '../catalog.js'
import { type Html, html, raw, scriptJson, t, yuan } from '../html.js'
import { type BrowserKind, defaultChoice, type PayChoice } from '../pay-choices.js'
import { layout, loginHref, type PageContext } from './layout.js'

/**
 * The browser side of checkout: POST `/loop/checkout`, then follow the payment action the provider
 * chose. An idempotency key minted once per page view makes a double click one order, and the
 * return URL carries it so the shop can find the order when the buyer comes back from paying.
 */
const checkoutScript = `
const { lines, choices } = JSON.parse(document.getElementById('checkout-data').textContent)
const button = document.getElementById('pay')
const status = document.getElementById('pay-status')
// Not crypto.randomUUID(): it exists only in secure contexts, and a phone on the LAN opens the shop over
// plain http (HOST=0.0.0.0); getRandomValues works everywhere.
const key = 'sf-' + Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')
const say = (zh, en, error) => {
  status.hidden = false
  status.className = error ? 'notice error' : 'notice'
  status.replaceChildren(Object.assign(document.createElement('span'), { className: 'zh', textContent: zh }), ' ',
    Object.assign(document.createElement('span'), { className: 'en', textContent: en }))
}
const reasons = {
  out_of_stock: ['库存不足', 'Not enough stock left.'],
  unauthorized: ['请先登录', 'Please log in first.'],
  not_found: ['商品已下架', 'This product is no longer sold.'],
}
button.addEventListener('click', async () => {
  const picked = document.querySelector('input[name="pay-with"]:checked')?.value
  const { provider, method } = choices[picked] ?? {}
  button.disabled = true
  say('正在创建订单…', 'Creating your order…')
  try {
    const res = await fetch('/loop/checkout', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // Absolute: a provider's own pay page (WeChat's, the simulator's) sends the buyer back to it.
      body: JSON.stringify({
        lines,
        idempotencyKey: key,
        returnUrl: location.origin + '/orders/return?key=' + encodeURIComponent(key),
        ...(provider ? { provider } : {}),
        ...(method ? { method } : {}),
      }),
    })
    const body = await res.json()
    if (!res.ok) {
      const [zh, en] = reasons[body.error?.code] ?? ['下单失败', body.error?.message ?? 'Checkout failed.']
      button.disabled = false
      return say(zh, en, true)
    }
    const { order, action } = body
    if (action.type === 'redirect') return location.assign(action.url)
    if (action.type === 'form') {
      document.getElementById('pay-form').innerHTML = action.html
      return document.querySelector('#pay-form form').submit()
    }
    if (action.type === 'qr') {
      say(provider === 'alipay' ? '请用支付宝扫码支付' : '请用微信扫码支付', provider === 'alipay' ? 'Scan with Alipay to pay.' : 'Scan with WeChat to pay.')
      const link = Object.assign(document.createElement('a'), { href: action.codeUrl, textContent: action.codeUrl, id: 'pay-code-url' })
      status.append(document.createElement('br'), link)
      return watch(order.id)
    }
    if (action.type === 'jsapi' && window.WeixinJSBridge) {
      window.WeixinJSBridge.invoke('getBrandWCPayRequest', action.params, () => location.assign('/orders/' + order.id))
      return watch(order.id)
    }
    say('请在微信中完成支付', 'Open this page in WeChat to pay.')
    watch(order.id)
  } catch (error) {
    button.disabled = false
    say('网络错误，请重试', 'Network error, please try again.', true)
  }
})
// While the buyer pays elsewhere (a QR code, another device), watch the order until it is paid.
function watch(id) {
  const timer = setInterval(async () => {
    const res = await fetch('/loop/orders/' + id)
    if (res.ok && (await res.json()).order.status === 'paid') {
      clearInterval(timer)
      location.assign('/orders/' + id)
    }
  }, 1000)
}
`

const choiceNames: Record<PayChoice['id'], [string, string]> = {
  wechat: ['微信支付', 'WeChat Pay'],
  alipay: ['支付宝', 'Alipay'],
  stripe: ['银行卡', 'Card (Stripe)'],
}

const browserNames: Record<BrowserKind, [string, string]> = {
  wechat: [
    '你正在微信里浏览，推荐微信支付。',
    'You are in WeChat’s browser: WeChat Pay is the natural choice.',
  ],
  mobile: ['你在手机浏览器里，推荐支付宝。', 'You are in a phone browser: Alipay is the natural choice.'],
  desktop: ['你在电脑上，推荐支付宝收银台或银行卡。', 'You are on a computer: Alipay’s cashier or a card.'],
}

/** The ways to pay, one radio each with why and where it works; the browser's natural one is checked. */
function payChoices(choices: readonly PayChoice[], browser: BrowserKind): Html {
  const checked = defaultChoice(browser, choices)
  return html`<fieldset class="panel pay-choices" id="pay-choices" data-browser="${browser}">
  <legend>${t('支付方式', 'How to pay')}</legend>
  <p class="stock" id="pay-hint">${t(...browserNames[browser])}</p>
  ${choices.map(
    (c) => html`<label class="pay-choice" for="pay-with-${c.id}">
    <input type="radio" name="pay-with" id="pay-with-${c.id}" value="${c.id}"${c.id === checked ? raw(' checked') : ''}>
    <span><strong>${t(...choiceNames[c.id])}</strong><br><span class="stock">${t(...c.note)}</span></span>
  </label>`,
  )}
</fieldset>`
}

/** `/checkout?sku=&qty=`: the order summary, the ways to pay, then login or the pay button. */
export function checkoutPage(
  ctx: PageContext,
  input: { product: Product; sku: Sku; quantity: number; path: string; browser: BrowserKind },
): Html {
  const choices = Object.fromEntries(
    ctx.pay.map((c) => [c.id, { provider: c.provider, method: c.methods[input.browser] }]),
  )
  const { product, sku, quantity } = input
  const total = sku.price * quantity
  const enough = sku.stock === null || sku.stock >= quantity
  return layout(ctx, {
    title: '结算 Checkout',
    path: input.path,
    body: html`<h1>${t('确认订单', 'Checkout')}</h1>
<div class="panel">
  <table>
    <thead><tr><th>${t('商品', 'Item')}</th><th class="num">${t('单价', 'Price')}</th><th class="num">${t('数量', 'Qty')}</th><th class="num">${t('小计', 'Subtotal')}</th></tr></thead>
    <tbody><tr><td>${t(product.zh, product.en)}</td><td class="num">${yuan(sku.price)}</td><td class="num" id="qty">${quantity}</td><td class="num">${yuan(total)}</td></tr></tbody>
    <tfoot><tr><th colspan="3">${t('合计', 'Total')}</th><th class="num price" id="total">${yuan(total)}</th></tr></tfoot>
  </table>
</div>
${
  !enough
    ? html`<p class="notice error">${t('库存不足', 'Not enough stock left.')}</p>`
    : ctx.viewer
      ? html`${payChoices(ctx.pay, input.browser)}
<p class="row"><button class="btn" id="pay" type="button">${t('去支付', 'Pay')} ${yuan(total)}</button>
  <span class="stock">${t('下单后库存为你保留 30 分钟', 'Your items are held for 30 minutes')}</span></p>
<p id="pay-status" class="notice" role="status" hidden></p>
<div id="pay-form" hidden></div>
<script type="application/json" id="checkout-data">${scriptJson({ lines: [{ skuId: sku.id, quantity }], choices })}</script>
<script type="module">${raw(checkoutScript)}</script>`
      : html`<p class="notice">${t('请先登录再付款。', 'Log in to pay.')}</p>
<a class="btn" id="checkout-login" href="${loginHref(ctx, input.path)}">${t('登录并继续', 'Log in and continue')}</a>`
}`,
  })
}
