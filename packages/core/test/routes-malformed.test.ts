import { describe, expect, it } from 'vitest'
import { browser, sandboxLogin } from './_browser.js'
import { duck, testLoop } from './_setup.js'

type Case = [
  name: string,
  method: string,
  path: string,
  body: { json?: unknown; text?: string; type?: string } | null,
  status: number,
  code: string,
]

describe('every route answers malformed input with a 4xx and a stable code, and changes nothing', async () => {
  const { loop } = testLoop()
  await loop.catalog.put(duck)
  const a = browser(loop.fetch)
  await sandboxLogin(a, 'Alice')
  const other = browser(loop.fetch)
  await sandboxLogin(other, 'Mallory')
  const { order } = (await (
    await other.request('/loop/checkout', {
      method: 'POST',
      json: { lines: [{ skuId: 'duck', quantity: 1 }] },
    })
  ).json()) as { order: { id: string } }
  const { token } = (await (
    await a.request('/loop/shares', { method: 'POST', json: { skuId: 'duck' } })
  ).json()) as { token: string }
  const edited = token.slice(0, 11) + (token[11] === 'a' ? 'b' : 'a') + token.slice(12)

  const cases: Case[] = [
    ['unknown route', 'GET', '/loop/nothing-here', null, 404, 'not_found'],
    ['outside the base path', 'GET', '/elsewhere', null, 404, 'not_found'],
    ['wrong method', 'DELETE', '/loop/checkout', null, 405, 'invalid_input'],
    ['unknown login provider', 'GET', '/loop/login/nope', null, 404, 'not_found'],
    [
      'open redirect in returnTo',
      'GET',
      '/loop/login/sandbox?returnTo=https://evil.example/',
      null,
      400,
      'invalid_input',
    ],
    [
      'protocol-relative returnTo',
      'GET',
      '/loop/login/sandbox?returnTo=//evil.example/',
      null,
      400,
      'invalid_input',
    ],
    ['callback without state', 'GET', '/loop/login/sandbox/callback?code=x', null, 400, 'invalid_input'],
    [
      'callback with a forged state',
      'GET',
      `/loop/login/sandbox/callback?code=x&state=${'A'.repeat(24)}${'0'.repeat(16)}`,
      null,
      410,
      'expired',
    ],
    [
      'code login, not JSON',
      'POST',
      '/loop/login/sandbox/code',
      { text: 'code=1', type: 'text/plain' },
      415,
      'invalid_input',
    ],
    [
      'code login, broken JSON',
      'POST',
      '/loop/login/sandbox/code',
      { text: '{"code":', type: 'application/json' },
      400,
      'invalid_input',
    ],
    [
      'code login, wrong type',
      'POST',
      '/loop/login/sandbox/code',
      { json: { code: 42 } },
      400,
      'invalid_input',
    ],
    [
      'code login, invalid code',
      'POST',
      '/loop/login/sandbox/code',
      { json: { code: 'not-a-code' } },
      401,
      'unauthorized',
    ],
    [
      'checkout, lines not a list',
      'POST',
      '/loop/checkout',
      { json: { lines: 'duck' } },
      400,
      'invalid_input',
    ],
    [
      'checkout, unknown field',
      'POST',
      '/loop/checkout',
      { json: { lines: [{ skuId: 'duck', quantity: 1 }], total: 1 } },
      400,
      'invalid_input',
    ],
    [
      'checkout, zero quantity',
      'POST',
      '/loop/checkout',
      { json: { lines: [{ skuId: 'duck', quantity: 0 }] } },
      400,
      'invalid_input',
    ],
    [
      'checkout, unknown sku',
      'POST',
      '/loop/checkout',
      { json: { lines: [{ skuId: 'ghost', quantity: 1 }] } },
      404,
      'not_found',
    ],
    [
      'checkout, too many',
      'POST',
      '/loop/checkout',
      { json: { lines: [{ skuId: 'duck', quantity: 101 }] } },
      409,
      'out_of_stock',
    ],
    [
      'checkout, not JSON',
      'POST',
      '/loop/checkout',
      { text: 'lines=duck', type: 'application/x-www-form-urlencoded' },
      415,
      'invalid_input',
    ],
    ['order of another customer', 'GET', `/loop/orders/${order.id}`, null, 404, 'not_found'],
    ['unknown order', 'GET', '/loop/orders/ord_nope', null, 404, 'not_found'],
    [
      'webhook for an unknown provider',
      'POST',
      '/loop/webhooks/nope',
      { text: '{}', type: 'application/json' },
      404,
      'not_found',
    ],
    [
      'unsigned webhook',
      'POST',
      '/loop/webhooks/sandbox',
      { text: '{"id":"x"}', type: 'application/json' },
      401,
      'signature_invalid',
    ],
    ['share of an unknown sku', 'POST', '/loop/shares', { json: { skuId: 'ghost' } }, 404, 'not_found'],
    [
      'share with a bad channel',
      'POST',
      '/loop/shares',
      { json: { skuId: 'duck', channel: 'Bad Channel!' } },
      400,
      'invalid_input',
    ],
    ['garbage share link', 'GET', '/loop/s/garbage', null, 404, 'not_found'],
    ['edited share link', 'GET', `/loop/s/${edited}`, null, 404, 'not_found'],
    ['card of an edited token', 'GET', `/loop/shares/${edited}/card`, null, 404, 'not_found'],
    [
      'client event of a wrong type',
      'POST',
      '/loop/events',
      { json: { type: 'order.paid', shareId: 'x', channel: 'qr' } },
      400,
      'invalid_input',
    ],
    [
      'client event for an unknown share',
      'POST',
      '/loop/events',
      { json: { type: 'share.action', token: 'nope', channel: 'qr' } },
      404,
      'not_found',
    ],
    ['sandbox pay page of an unknown order', 'GET', '/loop/sandbox/pay/nope', null, 404, 'not_found'],
    [
      'sandbox login redirecting elsewhere',
      'POST',
      '/loop/sandbox/login',
      {
        text: 'name=x&state=s&redirect_uri=https://evil.example/cb',
        type: 'application/x-www-form-urlencoded',
      },
      400,
      'invalid_input',
    ],
  ]

  const snapshot = async () => ({
    orders: (await loop.orders.list({ limit: 100 })).map((o) => `${o.id}:${o.status}`),
    stock: (await loop.catalog.get('duck'))?.stock,
    shares: (await loop.shares.list()).length,
    customers: (await loop.analytics.events({ types: ['customer.created'] })).length,
  })
  const before = await snapshot()

  it.each(cases)('%s → %i %s', async (_name, method, path, body, status, code) => {
    const init: Parameters<typeof a.request>[1] = { method }
    if (body?.json !== undefined) init.json = body.json
    else if (body?.text !== undefined) {
      init.body = body.text
      init.headers = { 'content-type': body.type! }
    }
    const res = await a.request(path, init)
    expect(res.status).toBe(status)
    const payload = (await res.json()) as { error: { code: string; message: string } }
    expect(payload.error.code).toBe(code)
    expect(payload.error.message).toMatch(/^\[loopkit\] /)
  })

  it('left every order, stock, share and customer as it was', async () => {
    expect(await snapshot()).toEqual(before)
  })

  it('requires a session where a customer is needed', async () => {
    const anon = browser(loop.fetch)
    for (const [method, path] of [
      ['GET', '/loop/me'],
      ['POST', '/loop/checkout'],
      ['GET', '/loop/orders'],
      ['GET', `/loop/orders/${order.id}`],
      ['POST', '/loop/shares'],
      ['GET', '/loop/notifications'],
    ] as const) {
      const res = await anon.request(path, method === 'POST' ? { method, json: {} } : { method })
      expect(res.status, `${method} ${path}`).toBe(401)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
    }
  })

  it('a tampered session cookie is no session', async () => {
    const forged = await loop.fetch(
      new Request('http://shop.test/loop/me', {
        headers: { cookie: `lk_session=${encodeURIComponent(`${order.id}.99999999999999.AAAA`)}` },
      }),
    )
    expect(forged.status).toBe(401)
  })
})

describe('CORS', () => {
  it('answers preflights and adds credentials headers only for configured origins', async () => {
    const { loop } = testLoop({ cors: { origins: ['https://shop.example'] } })
    const pre = await loop.fetch(
      new Request('http://shop.test/loop/events', {
        method: 'OPTIONS',
        headers: { origin: 'https://shop.example' },
      }),
    )
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    const card = await loop.fetch(
      new Request('http://shop.test/loop/catalog', { headers: { origin: 'https://shop.example' } }),
    )
    expect(card.headers.get('access-control-allow-credentials')).toBe('true')
    const evil = await loop.fetch(
      new Request('http://shop.test/loop/catalog', { headers: { origin: 'https://evil.example' } }),
    )
    expect(evil.headers.get('access-control-allow-origin')).toBeNull()
    const evilPre = await loop.fetch(
      new Request('http://shop.test/loop/events', {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example' },
      }),
    )
    expect(evilPre.status).toBe(405)
  })
})

describe('body size', () => {
  it('refuses a body over 64 KiB with 413 and changes nothing', async () => {
    const { loop } = testLoop()
    const big = JSON.stringify({ lines: [{ skuId: 'x'.repeat(70_000), quantity: 1 }] })
    const res = await loop.fetch(
      new Request('http://shop.test/loop/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: big,
      }),
    )
    expect(res.status).toBe(413)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large')
  })
})
