import type { MessagingAdapter } from '@loopkit/core'
import { consoleMessaging } from '@loopkit/core/dev'
import { describe, expect, it } from 'vitest'
import { browser, sandboxLogin } from './_browser.js'
import { testLoop } from './_setup.js'

/** A subscription channel with two templates, as `wechatMessages()` maps them. */
function subscribe(): MessagingAdapter {
  const topics: Record<string, string> = { TPL_PAID: 'order.paid', TPL_SHIP: 'order.fulfilled' }
  return {
    ...consoleMessaging({ id: 'wechat', log: () => {} }),
    topicFor: ({ templateId }) => topics[templateId] ?? null,
  }
}

const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code

describe('POST /consents records wx.requestSubscribeMessage results', () => {
  it('grants one send per accepted template and revokes a banned one, for the session customer only', async () => {
    const t = testLoop({ messaging: [subscribe()] })
    const b = browser(t.loop.fetch)
    await sandboxLogin(b, 'Ann')
    const me = (await (await b.request('/loop/me')).json()) as { customer: { id: string } }
    const res = await b.request('/loop/consents', {
      method: 'POST',
      json: {
        channel: 'wechat',
        results: {
          errMsg: 'requestSubscribeMessage:ok',
          TPL_PAID: 'accept',
          TPL_X: 'accept',
          TPL_SHIP: 'reject',
        },
      },
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ granted: ['order.paid'], revoked: [], ignored: ['TPL_X', 'TPL_SHIP'] })
    const customer = await t.loop.customers.get(me.customer.id)
    expect(customer!.consents).toEqual([
      expect.objectContaining({ channel: 'wechat', topic: 'order.paid', remaining: 1, revokedAt: null }),
    ])

    await b.request('/loop/consents', {
      method: 'POST',
      json: { channel: 'wechat', results: { TPL_PAID: 'ban' } },
    })
    const after = await t.loop.customers.get(me.customer.id)
    expect(after!.consents[0]!.revokedAt).not.toBeNull()
  })

  it('refuses a visitor without a session (401) and a channel without subscription templates, changing nothing', async () => {
    const t = testLoop({ messaging: [subscribe(), consoleMessaging({ id: 'console', log: () => {} })] })
    const anon = browser(t.loop.fetch)
    const res = await anon.request('/loop/consents', {
      method: 'POST',
      json: { channel: 'wechat', results: { TPL_PAID: 'accept' } },
    })
    expect(res.status).toBe(401)
    expect(await codeOf(res)).toBe('unauthorized')

    const b = browser(t.loop.fetch)
    await sandboxLogin(b, 'Ann')
    const bad = await b.request('/loop/consents', {
      method: 'POST',
      json: { channel: 'console', results: { TPL_PAID: 'accept' } },
    })
    expect(bad.status).toBe(400)
    expect(await codeOf(bad)).toBe('invalid_input')
    const me = (await (await b.request('/loop/me')).json()) as {
      customer: { id: string; consents: unknown[] }
    }
    expect((await t.loop.customers.get(me.customer.id))!.consents).toEqual([])
  })
})
