// The whole loop from the packed packages, as an adopter runs it: SQLite on disk, sandbox login and
// payments, login → pay → notify → share → attributed purchase, then the same loop over node:http
// through @loopkit/core/node. CommonJS so that both the ESM and the CommonJS entry can load it;
// it only uses the modules it is handed.
const assert = require('node:assert/strict')
const { mkdtempSync } = require('node:fs')
const { createServer } = require('node:http')
const { tmpdir } = require('node:os')
const { join } = require('node:path')

const ORIGIN = 'http://shop.test'

function browser(send) {
  const jar = new Map()
  async function request(path, init = {}) {
    const headers = new Headers(init.headers)
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
    let body = init.body ?? null
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json')
      body = JSON.stringify(init.json)
    }
    if (init.form) {
      headers.set('content-type', 'application/x-www-form-urlencoded')
      body = new URLSearchParams(init.form).toString()
    }
    const res = await send(
      new Request(new URL(path, ORIGIN), { method: init.method ?? 'GET', headers, body }),
    )
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0]
      const i = pair.indexOf('=')
      if (/max-age=0/i.test(line)) jar.delete(pair.slice(0, i))
      else jar.set(pair.slice(0, i), pair.slice(i + 1))
    }
    return res
  }
  async function login(name, query) {
    const start = await request(`/loop/login/sandbox?${query}`)
    assert.equal(start.status, 302)
    const page = new URL(start.headers.get('location'))
    const posted = await request(page.pathname, {
      method: 'POST',
      form: {
        name,
        state: page.searchParams.get('state'),
        redirect_uri: page.searchParams.get('redirect_uri'),
      },
    })
    const callback = new URL(posted.headers.get('location'))
    const done = await request(callback.pathname + callback.search)
    assert.equal(done.status, 302)
  }
  async function buy() {
    const res = await request('/loop/checkout', {
      method: 'POST',
      json: { lines: [{ skuId: 'duck', quantity: 1 }] },
    })
    assert.equal(res.status, 201)
    const { order, action } = await res.json()
    assert.equal((await request(new URL(action.url).pathname, { method: 'POST' })).status, 303)
    return order
  }
  return { request, login, buy }
}

/** login → pay → notify → share → attributed purchase through `send` (a Web handler). */
async function wholeLoop(loop, send) {
  const a = browser(send)
  await a.login('Alice', 'returnTo=/')
  const alice = (await (await a.request('/loop/me')).json()).customer.id
  const first = await a.buy()
  assert.equal((await loop.orders.get(first.id)).status, 'paid')
  await loop.notify.dispatch()
  const share = await a.request('/loop/shares', {
    method: 'POST',
    json: { skuId: 'duck', channel: 'wechat' },
  })
  assert.equal(share.status, 201)
  const { link, token } = await share.json()
  const b = browser(send)
  assert.equal((await b.request(new URL(link).pathname)).status, 302)
  await b.login('Bob', `returnTo=/&share=${token}`)
  const second = await b.buy()
  const stored = await loop.orders.get(second.id)
  assert.equal(stored.status, 'paid')
  assert.equal(stored.attribution.sharerId, alice)
}

/** Runs the scenario with the given module namespaces; resolves when every assertion held. */
async function run({ core, dev, node, sqlite }) {
  const dir = mkdtempSync(join(tmpdir(), 'loopkit-smoke-'))
  const make = (file) =>
    core.createLoop({
      secret: 'smoke-secret-smoke-secret-smoke-secret-1',
      baseUrl: `${ORIGIN}/loop`,
      storage: sqlite.sqliteStorage({ file: join(dir, file) }),
      payments: [dev.sandboxPayments()],
      identity: [dev.sandboxIdentity()],
      messaging: [dev.consoleMessaging({ log: () => {} })],
    })
  const duck = {
    id: 'duck',
    title: 'Duck',
    description: null,
    imageUrl: null,
    price: 8800,
    currency: 'CNY',
    stock: 5,
    active: true,
  }

  const inProcess = make('a.db')
  await inProcess.catalog.put(duck)
  await wholeLoop(inProcess, inProcess.fetch)

  const overHttp = make('b.db')
  await overHttp.catalog.put(duck)
  const server = createServer(node.toNodeListener(overHttp.fetch, { origin: ORIGIN }))
  await new Promise((done) => server.listen(0, '127.0.0.1', done))
  const port = server.address().port
  try {
    await wholeLoop(overHttp, (request) => {
      const url = new URL(request.url)
      return fetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        duplex: 'half',
        redirect: 'manual',
      })
    })
  } finally {
    server.close()
  }
  assert.ok(core.isLoopError(new core.LoopError({ code: 'invalid_input', message: 'x' })))
}

module.exports = { run, wholeLoop }
