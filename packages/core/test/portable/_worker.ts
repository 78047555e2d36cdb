// The Worker the workerd test runs: the whole loop on memory storage through loop.fetch, on Web
// APIs alone. Bundled by esbuild for the neutral platform, so any node: import fails the build.
import { createLoop } from '@loopkit/core'
import { consoleMessaging, memoryStorage, sandboxIdentity, sandboxPayments } from '@loopkit/core/dev'
import { browser, sandboxLogin } from '../_browser.js'

function check(ok: unknown, what: string): asserts ok {
  if (!ok) throw new Error(`whole loop in workerd: ${what}`)
}

async function wholeLoop(): Promise<void> {
  const messages = consoleMessaging({ log: () => {} })
  const loop = createLoop({
    secret: 'worker-secret-worker-secret-worker-secret',
    baseUrl: 'https://shop.test/loop',
    storage: memoryStorage(),
    payments: [sandboxPayments()],
    identity: [sandboxIdentity()],
    messaging: [messages],
  })
  await loop.catalog.put({
    id: 'duck',
    title: 'Duck',
    description: null,
    imageUrl: null,
    price: 8800,
    currency: 'CNY',
    stock: 5,
    active: true,
  })
  const buy = async (b: ReturnType<typeof browser>) => {
    const res = await b.request('/loop/checkout', {
      method: 'POST',
      json: { lines: [{ skuId: 'duck', quantity: 1 }] },
    })
    check(res.status === 201, `checkout ${res.status} ${await res.clone().text()}`)
    const { order, action } = (await res.json()) as { order: { id: string }; action: { url: string } }
    const paid = await b.request(new URL(action.url).pathname, { method: 'POST' })
    check(paid.status === 303, `pay ${paid.status}`)
    return order
  }

  const a = browser(loop.fetch, 'https://shop.test')
  const login = await sandboxLogin(a, 'Alice')
  check(login.done.status === 302, `login ${login.done.status}`)
  const me = (await (await a.request('/loop/me')).json()) as { customer: { id: string } }
  const first = await buy(a)
  check((await loop.orders.get(first.id))?.status === 'paid', 'first order paid')
  await loop.notify.dispatch()
  check(messages.sent.length === 1 && messages.sent[0]?.customerId === me.customer.id, 'order.paid notified')

  const share = await a.request('/loop/shares', {
    method: 'POST',
    json: { skuId: 'duck', channel: 'wechat' },
  })
  check(share.status === 201, `share ${share.status}`)
  const { link, token } = (await share.json()) as { link: string; token: string }
  const b = browser(loop.fetch, 'https://shop.test')
  check((await b.request(new URL(link).pathname)).status === 302, 'share link redirects')
  await sandboxLogin(b, 'Bob', `returnTo=/&share=${token}`)
  const second = await buy(b)
  const stored = await loop.orders.get(second.id)
  check(stored?.status === 'paid', 'second order paid')
  check(stored?.attribution?.sharerId === me.customer.id, 'second order attributed to the sharer')
}

export default {
  async test(): Promise<void> {
    await wholeLoop()
    console.log('LOOPKIT_WORKERD_WHOLE_LOOP_OK')
  },
}
