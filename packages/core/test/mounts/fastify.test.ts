import { toNodeListener } from '@loopkit/core/node'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { overHttp } from './_http.js'
import { BASE_URL, mountableLoop, wholeLoopOverHttp } from './_scenario.js'

let app: FastifyInstance | null = null
afterEach(async () => {
  await app?.close()
  app = null
})

/** The documented recipe: a scope without body parsers, and the reply handed to the bridge. */
function mountLoop(fastify: FastifyInstance, fetch: (request: Request) => Promise<Response>) {
  const listener = toNodeListener(fetch, { origin: BASE_URL })
  fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null))
    scope.all('/loop/*', async (request, reply) => {
      reply.hijack()
      await listener(request.raw, reply.raw)
    })
  })
}

describe('Fastify 5 mount: a scope without content-type parsers + reply.hijack()', () => {
  it('runs the whole loop over real HTTP, and the app’s own JSON routes still parse bodies', async () => {
    const mounted = await mountableLoop()
    app = Fastify()
    mountLoop(app, mounted.loop.fetch)
    app.post('/api/echo', async (request) => request.body)
    await app.listen({ port: 0, host: '127.0.0.1' })
    const port = app.server.address() as { port: number }
    await wholeLoopOverHttp({ ...mounted, port: port.port })
    const echo = await overHttp(
      port.port,
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
})
