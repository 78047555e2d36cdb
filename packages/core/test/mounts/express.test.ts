import type { Server } from 'node:http'
import { toNodeListener } from '@loopkit/core/node'
import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { browser, sandboxLogin } from '../_browser.js'
import { overHttp, portOf } from './_http.js'
import { BASE_URL, mountableLoop, wholeLoopOverHttp } from './_scenario.js'

let server: Server | null = null
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())))

async function listen(app: express.Express) {
  server = app.listen(0, '127.0.0.1')
  await new Promise<void>((done) => server!.once('listening', done))
  return portOf(server)
}

describe('Express 5 mount: app.use("/loop", toNodeListener(loop.fetch, { origin: baseUrl }))', () => {
  it('runs the whole loop over real HTTP, next to the app’s own JSON routes', async () => {
    const mounted = await mountableLoop()
    const app = express()
    app.use('/loop', toNodeListener(mounted.loop.fetch, { origin: BASE_URL })) // before body parsers
    app.use(express.json())
    app.post('/api/echo', (req, res) => void res.json(req.body))
    const port = await listen(app)
    await wholeLoopOverHttp({ ...mounted, port })
    const echo = await overHttp(
      port,
      'shop.test',
    )(
      new Request('http://shop.test/api/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"ok":true}',
      }),
    )
    expect(await echo.json()).toEqual({ ok: true })
  })

  it('mounted after express.json(), a POST gets a configuration error naming the fix, not a broken signature', async () => {
    const mounted = await mountableLoop()
    const app = express()
    app.use(express.json())
    app.use('/loop', toNodeListener(mounted.loop.fetch, { origin: BASE_URL }))
    const port = await listen(app)
    const b = browser(overHttp(port, 'shop.test'))
    await sandboxLogin(b, 'Alice') // GETs and form posts (not parsed by express.json) still work
    const res = await b.request('/loop/checkout', {
      method: 'POST',
      json: { lines: [{ skuId: 'duck', quantity: 1 }] },
    })
    expect(res.status).toBe(500)
    const { error } = (await res.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('configuration')
    expect(error.message).toContain('Mount the loop before express.json()')
  })
})
