import { describe, expect, it } from 'vitest'
import { browser, sandboxLogin } from './_browser.js'
import { duck, testLoop } from './_setup.js'

async function shop() {
  const t = testLoop()
  await t.loop.catalog.put(duck)
  const b = browser(t.loop.fetch)
  await sandboxLogin(b, 'Ann')
  return { ...t, b }
}

const checkoutBody = JSON.stringify({ lines: [{ skuId: 'duck', quantity: 1 }] })

/** A body of `total` bytes streamed in 1 KiB chunks, without a content-length; `pulled()` says how much was read. */
function countingStream(total: number, byte = 0x20) {
  let sent = 0
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close()
      const n = Math.min(1024, total - sent)
      sent += n
      controller.enqueue(new Uint8Array(n).fill(byte))
    },
  })
  return { stream, pulled: () => sent }
}

const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code

describe('#9.3 "JSON bodies only" parses the media type', () => {
  const refused = [
    'text/plain; charset=application/json',
    'text/plain;application/json',
    'application/x-www-form-urlencoded; x=application/json',
    'multipart/form-data; boundary=application/json',
    'application/jsonx',
    'text/json',
    'application/json; charset=latin1',
    '',
  ]
  for (const type of refused) {
    it(`#9.3 content-type "${type}" is 415 and creates no order`, async () => {
      const { loop, b } = await shop()
      const res = await b.request('/loop/checkout', {
        method: 'POST',
        body: checkoutBody,
        headers: type ? { 'content-type': type } : {},
      })
      expect(res.status).toBe(415)
      expect(await loop.orders.list()).toHaveLength(0)
    })
  }

  for (const type of ['application/json', 'Application/JSON ; charset=UTF-8', 'application/vnd.loop+json']) {
    it(`#9.3 content-type "${type}" is accepted`, async () => {
      const { b } = await shop()
      const res = await b.request('/loop/checkout', {
        method: 'POST',
        body: checkoutBody,
        headers: { 'content-type': type },
      })
      expect(res.status).toBe(201)
    })
  }
})

describe('#9.5 bodies are streamed with a byte limit per route', () => {
  it('#9.5 a chunked body without content-length stops being read at the limit: 413 payload_too_large', async () => {
    const { loop, b } = await shop()
    const { stream, pulled } = countingStream(10 * 1024 * 1024)
    const res = await b.request('/loop/checkout', {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit)
    expect(res.status).toBe(413)
    expect(await codeOf(res)).toBe('payload_too_large')
    expect(pulled()).toBeLessThan(64 * 1024)
    expect(await loop.orders.list()).toHaveLength(0)
  })

  it('#9.5 a declared content-length over the limit is refused before a byte is read', async () => {
    const { b } = await shop()
    const { stream, pulled } = countingStream(1024 * 1024)
    const res = await b.request('/loop/checkout', {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'application/json', 'content-length': String(1024 * 1024) },
      duplex: 'half',
    } as RequestInit)
    expect(res.status).toBe(413)
    expect(pulled()).toBeLessThanOrEqual(2048)
  })

  it('#9.5 bytes are counted, not UTF-16 characters: 180 KB of CJK (60,000 characters) is refused', async () => {
    const { loop } = testLoop()
    const cjk = '鸭'.repeat(60_000)
    expect(new TextEncoder().encode(cjk).byteLength).toBe(180_000)
    const { stream } = { stream: new Blob([cjk]).stream() }
    const res = await loop.fetch(
      new Request('http://shop.test/loop/webhooks/sandbox', {
        method: 'POST',
        body: stream,
        headers: { 'content-type': 'application/json' },
        duplex: 'half',
      } as RequestInit),
    )
    expect(res.status).toBe(413)
    expect(await codeOf(res)).toBe('payload_too_large')
  })

  it('#9.5 a webhook is read only up to 64 KiB before the 413, and the rejection is recorded', async () => {
    const { loop } = testLoop()
    const { stream, pulled } = countingStream(5 * 1024 * 1024, 0x7b)
    const res = await loop.fetch(
      new Request('http://shop.test/loop/webhooks/sandbox', {
        method: 'POST',
        body: stream,
        headers: { 'content-type': 'application/json' },
        duplex: 'half',
      } as RequestInit),
    )
    expect(res.status).toBe(413)
    expect(pulled()).toBeLessThan(80 * 1024)
    const rejected = await loop.analytics.events({ types: ['webhook.rejected'] })
    expect(rejected.map((e) => e.data.code)).toEqual(['payload_too_large'])
  })

  it('#9.5 a small forged webhook still gets its 401 (the limit does not mask verification)', async () => {
    const { loop } = testLoop()
    const res = await loop.fetch(
      new Request('http://shop.test/loop/webhooks/sandbox', {
        method: 'POST',
        body: '{"forged":true}',
        headers: { 'content-type': 'application/json' },
      }),
    )
    expect(res.status).toBe(401)
  })

  it('#9.5 per-route limits: /events takes 2 KiB, /checkout 16 KiB', async () => {
    const { b } = await shop()
    const pad = (n: number) => JSON.stringify({ lines: [{ skuId: 'duck', quantity: 1 }], x: ' '.repeat(n) })
    const events = await b.request('/loop/events', {
      method: 'POST',
      body: pad(3000),
      headers: { 'content-type': 'application/json' },
    })
    expect(events.status).toBe(413)
    const checkout = await b.request('/loop/checkout', {
      method: 'POST',
      body: pad(17 * 1024),
      headers: { 'content-type': 'application/json' },
    })
    expect(checkout.status).toBe(413)
    // Under the limit, the same route goes on to validate the body.
    const small = await b.request('/loop/checkout', {
      method: 'POST',
      body: pad(1000),
      headers: { 'content-type': 'application/json' },
    })
    expect(small.status).toBe(400)
  })

  it('#9.5 adapter and plugin routes get the 64 KiB cap however they read the body', async () => {
    const { loop } = testLoop()
    const { stream, pulled } = countingStream(1024 * 1024, 0x61)
    const res = await loop.fetch(
      new Request('http://shop.test/loop/sandbox/login', {
        method: 'POST',
        body: stream,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        duplex: 'half',
      } as RequestInit),
    )
    expect(res.status).toBe(413)
    expect(await codeOf(res)).toBe('payload_too_large')
    expect(pulled()).toBeLessThan(80 * 1024)
  })

  it('#9.5 a body that is not UTF-8 is invalid_input, not a garbled string', async () => {
    const { b } = await shop()
    const res = await b.request('/loop/checkout', {
      method: 'POST',
      body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(400)
    expect(await codeOf(res)).toBe('invalid_input')
  })
})
