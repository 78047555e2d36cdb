import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import { afterEach, describe, it } from 'vitest'
import { portOf } from './_http.js'
import { mountableLoop, wholeLoopOverHttp } from './_scenario.js'

// Next.js itself is not started here (installing and building it offline is out of reason for a
// unit test): the route module below is the documented `app/loop/[...path]/route.ts`, and Next
// calls its exports with a Web `Request` (a `NextRequest` is one). A Web-standard server dispatches
// to them by method, as Next's router does, over real HTTP.
function routeModule(loop: { fetch(request: Request): Promise<Response> }) {
  // app/loop/[...path]/route.ts
  const handler = (request: Request) => loop.fetch(request)
  return { GET: handler, POST: handler }
}

let server: Server | null = null
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())))

describe('Next.js route handler: export const GET = POST = (req: Request) => loop.fetch(req)', () => {
  it('runs the whole loop over real HTTP through the exported handlers', async () => {
    const mounted = await mountableLoop()
    const route = routeModule(mounted.loop)
    const dispatch = (request: Request) =>
      request.method === 'POST'
        ? route.POST(request)
        : request.method === 'GET'
          ? route.GET(request)
          : new Response(null, { status: 405 })
    server = await new Promise<Server>((done) => {
      const s = serve({ fetch: dispatch, port: 0, hostname: '127.0.0.1' }, () => done(s as Server))
    })
    await wholeLoopOverHttp({ ...mounted, port: portOf(server) })
  })
})
