import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLoop } from '@loopkit/core'
import { consoleMessaging, sandboxIdentity, sandboxPayments } from '@loopkit/core/dev'
import { afterAll, describe, expect, it } from 'vitest'
import { browser, sandboxLogin } from '../../core/test/_browser.js'
import { sqliteStorage } from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'loopkit-campaign-e2e-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('campaign links end to end on SQLite', () => {
  it('a member gets the campaign link, opens it, logs in, buys: clicks 1, orders 1, revenue; a refund nets it out', async () => {
    const storage = sqliteStorage({ file: join(dir, 'loop.db') })
    const messages = consoleMessaging({ log: () => {} })
    const loop = createLoop({
      secret: 'e2e-secret-e2e-secret-e2e-secret-e2e-01',
      baseUrl: 'http://shop.test/loop',
      storage,
      payments: [sandboxPayments()],
      identity: [sandboxIdentity()],
      messaging: [messages],
    })
    try {
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
      // Mei is in the pool (she follows the account) but has never opened the shop in this browser.
      const { customer: mei } = await loop.customers.login({
        profile: { provider: 'sandbox', subject: 'mei', displayName: 'Mei' },
      })
      await storage.recordActivity({ customerId: mei.id, followed: true, now: Date.now() })
      const campaign = await loop.campaigns.create({
        audience: 'followers',
        message: { title: 'Mid-autumn', body: 'Mooncake duck', url: 'http://shop.test/duck' },
        channelPlan: { channels: ['console'] },
      })
      await loop.campaigns.send({ id: campaign.id })
      await loop.notify.dispatch()
      const [received] = messages.sent
      expect(received?.customerId).toBe(mei.id)
      const link = new URL(received!.message.url!)
      expect(link.pathname).toMatch(new RegExp(`^/loop/c/${campaign.id}\\.`))

      const b = browser(loop.fetch)
      const opened = await b.request(link.pathname, { headers: { accept: 'text/html' } })
      expect(opened.status).toBe(302)
      expect(opened.headers.get('location')).toBe('/duck')
      await sandboxLogin(b, 'Mei')
      const res = await b.request('/loop/checkout', {
        method: 'POST',
        json: { lines: [{ skuId: 'duck', quantity: 1 }] },
      })
      expect(res.status).toBe(201)
      const { order, action } = (await res.json()) as { order: { id: string }; action: { url: string } }
      expect((await b.request(new URL(action.url).pathname, { method: 'POST' })).status).toBe(303)
      expect(await loop.orders.get(order.id)).toMatchObject({
        status: 'paid',
        customerId: mei.id,
        attribution: { campaignId: campaign.id },
      })

      expect(await loop.campaigns.report({ id: campaign.id })).toMatchObject({
        reach: 1,
        sent: 1,
        clicks: 1,
        orders: 1,
        buyers: 1,
        revenue: { CNY: 8800 },
      })
      const report = await loop.campaigns.report({ id: campaign.id })
      expect(report).not.toHaveProperty('opened')

      await loop.refunds.create({ orderId: order.id })
      expect(await loop.orders.get(order.id)).toMatchObject({ status: 'refunded', refunded: 8800 })
      expect(await loop.campaigns.report({ id: campaign.id })).toMatchObject({
        clicks: 1,
        orders: 1,
        buyers: 1,
        revenue: { CNY: 0 },
      })
    } finally {
      await loop.close()
    }
  })
})
