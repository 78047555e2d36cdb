import type { Sku } from '@loopkit/core'
import type { Product } from '../catalog.js'
import { type Html, html, raw, scriptJson, t, yuan } from '../html.js'
import { layout, loginHref, type PageContext } from './layout.js'

/**
 * The browser side of checkout: POST `/loop/checkout`, then follow the payment action the provider
 * chose. An idempotency key minted once per page view makes a double click one order, and the
 * return URL carries it so the shop can find the order when the buyer comes back from paying.
 */
const checkoutScript = `
const { lines, method } = JSON.parse(document.getElementById('checkout-data').textContent)
const button = document.getElementById('pay')
const status = document.getElementById('pay-status')
const key = 'sf-' + crypto.randomUUID()
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
      say('请用微信扫码支付', 'Scan with WeChat to pay.')
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

/** `/checkout?sku=&qty=`: the order summary, then login or the pay button. */
export function checkoutPage(
  ctx: PageContext,
  input: { product: Product; sku: Sku; quantity: number; path: string },
): Html {
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
      ? html`<p class="row"><button class="btn" id="pay" type="button">${t('去支付', 'Pay')} ${yuan(total)}</button>
  <span class="stock">${t('下单后库存为你保留 30 分钟', 'Your items are held for 30 minutes')}</span></p>
<p id="pay-status" class="notice" role="status" hidden></p>
<div id="pay-form" hidden></div>
<script type="application/json" id="checkout-data">${scriptJson({ lines: [{ skuId: sku.id, quantity }], method: ctx.payMethod })}</script>
<script type="module">${raw(checkoutScript)}</script>`
      : html`<p class="notice">${t('请先登录再付款。', 'Log in to pay.')}</p>
<a class="btn" id="checkout-login" href="${loginHref(ctx, input.path)}">${t('登录并继续', 'Log in and continue')}</a>`
}`,
  })
}
