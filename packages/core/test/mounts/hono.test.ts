import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterEach, describe, it } from 'vitest'
import { portOf } from './_http.js'
import { mountableLoop, wholeLoopOverHttp } from './_scenario.js'

let server: Server | null = null
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())))

async function mount() {
  const mounted = await mountableLoop()
  const app = new Hono()
  app.all('/loop/*', (c) => mounted.loop.fetch(c.req.raw))
  server = await new Promise<Server>((done) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => done(s as Server))
  })
  return { ...mounted, port: portOf(server) }
}

describe('Hono mount: app.all("/loop/*", (c) => loop.fetch(c.req.raw)) on @hono/node-server', () => {
  it('runs the whole loop over real HTTP', async () => {
    await wholeLoopOverHttp(await mount())
  })

  // Regression (issue #14): @hono/node-server builds the URL from the Host header, and the sandbox
  // login refused a code for baseUrl's host when a proxy sent another Host.
  it('logs in and pays when the Host header differs from baseUrl’s host', async () => {
    const mounted = await mount()
    await wholeLoopOverHttp({ ...mounted, host: `127.0.0.1:${mounted.port}` })
  })
})
