import { createServer, request as httpRequest, type Server } from 'node:http'
import { toNodeListener } from '@loopkit/core/node'
import { afterEach, describe, expect, it } from 'vitest'
import { overHttp, portOf } from './_http.js'
import { BASE_URL, mountableLoop, wholeLoopOverHttp } from './_scenario.js'

let server: Server | null = null
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())))

async function listen(handler: Parameters<typeof createServer>[1]) {
  server = createServer(handler)
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done))
  return portOf(server)
}

describe('node:http mount: createServer(toNodeListener(loop.fetch, { origin: baseUrl }))', () => {
  it('runs the whole loop over real HTTP', async () => {
    const mounted = await mountableLoop()
    const port = await listen(toNodeListener(mounted.loop.fetch, { origin: BASE_URL }))
    await wholeLoopOverHttp({ ...mounted, port })
  })

  it('behind a proxy that rewrites Host, the loop still sees its public origin (login works)', async () => {
    const mounted = await mountableLoop()
    const port = await listen(toNodeListener(mounted.loop.fetch, { origin: BASE_URL }))
    await wholeLoopOverHttp({ ...mounted, port, host: `127.0.0.1:${port}` })
  })

  it('sends every Set-Cookie header separately, and streams a large body', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024)
    const port = await listen(
      toNodeListener(async () => {
        const headers = new Headers({ 'content-type': 'text/plain' })
        headers.append('set-cookie', 'a=1; Path=/')
        headers.append('set-cookie', 'b=2; Path=/')
        return new Response(big, { headers })
      }),
    )
    const res = await overHttp(port, 'shop.test')(new Request('http://shop.test/x'))
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/'])
    expect((await res.text()).length).toBe(big.length)
  })

  it('sends a small answer in one piece with its content-length, not chunked', async () => {
    const port = await listen(toNodeListener(async () => Response.json({ ok: true })))
    const head = await new Promise<{ length: string | undefined; chunked: boolean; body: string }>((done) => {
      httpRequest({ host: '127.0.0.1', port, path: '/x' }, (res) => {
        let body = ''
        res.on('data', (c: Buffer) => {
          body += c.toString()
        })
        res.on('end', () =>
          done({
            length: res.headers['content-length'],
            chunked: res.headers['transfer-encoding'] === 'chunked',
            body,
          }),
        )
      }).end()
    })
    expect(head).toEqual({ length: String('{"ok":true}'.length), chunked: false, body: '{"ok":true}' })
  })

  it('a streamed answer is not held back: its first chunk arrives while the stream is still open', async () => {
    let finish: () => void = () => {}
    const port = await listen(
      toNodeListener(
        async () =>
          new Response(
            new ReadableStream<Uint8Array>({
              start(c) {
                c.enqueue(new TextEncoder().encode('first'))
                finish = () => {
                  c.enqueue(new TextEncoder().encode('-last'))
                  c.close()
                }
              },
            }),
          ),
      ),
    )
    const body = await new Promise<string>((done) => {
      httpRequest({ host: '127.0.0.1', port, path: '/stream' }, (res) => {
        let text = ''
        res.once('data', (c: Buffer) => {
          text += c.toString()
          expect(text).toBe('first')
          res.on('data', (more: Buffer) => {
            text += more.toString()
          })
          finish()
        })
        res.on('end', () => done(text))
      }).end()
    })
    expect(body).toBe('first-last')
  })

  it('a body declared larger than the read-ahead is not read first: the loop answers 413 without waiting for it', async () => {
    const mounted = await mountableLoop()
    const port = await listen(toNodeListener(mounted.loop.fetch, { origin: BASE_URL }))
    // 5 MB declared, 10 bytes sent and the socket left open: reading it all first would hang.
    const status = await new Promise<number>((done, fail) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/loop/webhooks/sandbox',
          headers: { 'content-type': 'application/json', 'content-length': String(5 * 1024 * 1024) },
        },
        (res) => {
          done(res.statusCode ?? 0)
          req.destroy()
        },
      )
      req.on('error', () => {})
      req.write('{"id":"x",')
      setTimeout(() => fail(new Error('no answer within 5 s')), 5_000).unref()
    })
    expect(status).toBe(413)
  })

  it('passes the request body through byte for byte (not re-encoded)', async () => {
    const port = await listen(
      toNodeListener(async (request) => new Response(new Uint8Array(await request.arrayBuffer()))),
    )
    const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0xe4, 0xb8, 0x80, 0x0a])
    const res = await overHttp(
      port,
      'shop.test',
    )(new Request('http://shop.test/echo', { method: 'POST', body: bytes }))
    expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([...bytes])
  })

  it('a handler that throws gives a 500 JSON error, not a hung socket', async () => {
    const port = await listen(
      toNodeListener(() => {
        throw new Error('secret detail')
      }),
    )
    const res = await overHttp(port, 'shop.test')(new Request('http://shop.test/x'))
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ error: { code: 'internal', message: 'Internal error.' } })
  })

  it('when the client goes away mid-response, the request signal aborts and the body stream is cancelled', async () => {
    let aborted: () => void = () => {}
    const signalAborted = new Promise<void>((resolve) => {
      aborted = resolve
    })
    let cancelled: () => void = () => {}
    const streamCancelled = new Promise<void>((resolve) => {
      cancelled = resolve
    })
    const port = await listen(
      toNodeListener(async (request) => {
        request.signal.addEventListener('abort', () => aborted())
        let open = true
        const body = new ReadableStream<Uint8Array>({
          pull: (c) =>
            new Promise<void>((r) =>
              setTimeout(() => {
                if (open) c.enqueue(new Uint8Array(1024))
                r()
              }, 5),
            ),
          cancel: () => {
            open = false
            cancelled()
          },
        })
        return new Response(body)
      }),
    )
    await new Promise<void>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/stream' }, (res) => {
        res.once('data', () => {
          req.destroy()
          resolve()
        })
      })
      req.end()
    })
    await Promise.all([signalAborted, streamCancelled])
  })
})
