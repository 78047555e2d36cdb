import { createLoop, type LoopPlugin } from '@loopkit/core'
import { consoleMessaging, memoryStorage, sandboxIdentity, sandboxPayments } from '@loopkit/core/dev'
import { expect } from 'vitest'
import { browser, sandboxLogin } from '../_browser.js'
import { overHttp } from './_http.js'

/** The public URL of the loop in every mount test; the servers themselves listen on 127.0.0.1. */
export const BASE_URL = 'http://shop.test/loop'

/** A memory loop with sandbox adapters, a duck in stock, and a record of credited referrals. */
export async function mountableLoop() {
  const sandbox = sandboxPayments()
  const messages = consoleMessaging({ log: () => {} })
  const credited: string[] = []
  const rewards: LoopPlugin = {
    id: 'test-rewards',
    hooks: {
      orderPaid: [
        ({ order }) => void (order.attribution?.sharerId && credited.push(order.attribution.sharerId)),
      ],
    },
  }
  const loop = createLoop({
    secret: 'mount-secret-mount-secret-mount-secret-01',
    baseUrl: BASE_URL,
    storage: memoryStorage(),
    payments: [sandbox],
    identity: [sandboxIdentity()],
    messaging: [messages],
    plugins: [rewards],
  })
  await loop.catalog.put({
    id: 'duck',
    title: 'Nanjing salted duck',
    description: null,
    imageUrl: null,
    price: 8800,
    currency: 'CNY',
    stock: 10,
    active: true,
  })
  return { loop, sandbox, messages, credited }
}

type Mounted = Awaited<ReturnType<typeof mountableLoop>>

/**
 * The whole loop over real HTTP to a mounted loop: A logs in, pays, is notified and shares; B opens
 * the link, logs in and pays, and A is credited. Webhooks are also delivered over the wire, so the
 * signature is checked on the bytes the framework passed through.
 */
export async function wholeLoopOverHttp(input: Mounted & { port: number; host?: string }) {
  const { loop, sandbox, messages, credited } = input
  const send = overHttp(input.port, input.host ?? 'shop.test')
  const buy = async (b: ReturnType<typeof browser>) => {
    const res = await b.request('/loop/checkout', {
      method: 'POST',
      json: { lines: [{ skuId: 'duck', quantity: 1 }] },
    })
    expect(res.status).toBe(201)
    const { order, action } = (await res.json()) as {
      order: { id: string; number: string }
      action: { url: string }
    }
    expect((await b.request(new URL(action.url).pathname, { method: 'POST' })).status).toBe(303)
    return order
  }

  const a = browser(send)
  const login = await sandboxLogin(a, 'Alice', 'returnTo=/welcome')
  expect(login.done.headers.get('location')).toBe('/welcome')
  const me = (await (await a.request('/loop/me')).json()) as { customer: { id: string } }
  const orderA = await buy(a)
  expect((await loop.orders.get(orderA.id))?.status).toBe('paid')

  // Redelivered and forged webhooks, over the wire: the raw bytes reach the verifier untouched.
  const redelivery = await sandbox.pay({ orderNumber: orderA.number })
  expect((await send(redelivery)).status).toBe(204)
  const forged = await send(await sandbox.pay({ orderNumber: orderA.number, signature: 'forged' }))
  expect(forged.status).toBe(401)

  await loop.notify.dispatch()
  expect(messages.sent.map((m) => m.customerId)).toEqual([me.customer.id])

  const share = await a.request('/loop/shares', {
    method: 'POST',
    json: { skuId: 'duck', channel: 'wechat' },
  })
  expect(share.status).toBe(201)
  const { link, token } = (await share.json()) as { link: string; token: string }
  const b = browser(send)
  expect((await b.request(new URL(link).pathname)).status).toBe(302)
  await sandboxLogin(b, 'Bob', `returnTo=/&share=${token}`)
  const orderB = await buy(b)
  const stored = await loop.orders.get(orderB.id)
  expect(stored?.status).toBe('paid')
  expect(stored?.attribution?.sharerId).toBe(me.customer.id)
  expect(credited).toEqual([me.customer.id])
}
