import { describe, expect, it } from 'vitest'
import { testLoop } from './_setup.js'

const BASE = 'http://shop.test/loop'

describe('analytics routes', () => {
  it('/analytics/* does not exist unless the host passes analytics.authorize', async () => {
    const { loop } = testLoop()
    expect((await loop.fetch(new Request(`${BASE}/analytics/funnel`))).status).toBe(404)
  })

  it('refuses a request authorize rejects (403) and answers one it accepts', async () => {
    const { loop, customer } = testLoop({
      analytics: { authorize: (r) => r.headers.get('authorization') === 'Bearer owner' },
    })
    await customer('alice')
    const denied = await loop.fetch(
      new Request(`${BASE}/analytics/funnel`, { headers: { authorization: 'Bearer x' } }),
    )
    expect(denied.status).toBe(403)
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('forbidden')
    const ok = await loop.fetch(
      new Request(`${BASE}/analytics/funnel?from=2026-11-25&to=2026-11-25`, {
        headers: { authorization: 'Bearer owner' },
      }),
    )
    expect(ok.status).toBe(200)
    expect(ok.headers.get('cache-control')).toBe('private, no-store')
    const body = (await ok.json()) as { steps: Array<{ step: string; people: number }> }
    expect(body.steps.find((s) => s.step === 'logged_in')?.people).toBe(1)
    const bad = await loop.fetch(
      new Request(`${BASE}/analytics/series?from=nope`, { headers: { authorization: 'Bearer owner' } }),
    )
    expect(bad.status).toBe(400)
  })

  it('exports CSV with formula cells neutralised', async () => {
    const { loop, clock } = testLoop({ analytics: { authorize: () => true } })
    // A campaign id comes from whoever emitted the event: it may look like a formula.
    await loop.storage.appendEvents({
      events: [
        {
          id: 'evt_formula',
          type: 'campaign.sent',
          at: clock.now(),
          customerId: 'cus_1',
          orderId: null,
          data: { campaignId: '=HYPERLINK("http://x")' },
        },
      ],
    })
    const res = await loop.fetch(
      new Request(`${BASE}/analytics/export/campaign.csv?from=2026-11-25&to=2026-11-25`),
    )
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const csv = await res.text()
    expect(csv.split('\r\n')[1]).toMatch(/^"'=HYPERLINK\(""http:\/\/x""\)",/)
    expect((await loop.fetch(new Request(`${BASE}/analytics/export/secrets.csv`))).status).toBe(400)
  })

  it('POST /track sets the visitor cookie and counts a browser once a day in the funnel', async () => {
    const { loop } = testLoop({ analytics: { authorize: () => true } })
    const first = await loop.fetch(new Request(`${BASE}/track?path=/products/duck`, { method: 'POST' }))
    expect(first.status).toBe(204)
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!
    for (let i = 0; i < 3; i++)
      await loop.fetch(new Request(`${BASE}/track`, { method: 'POST', headers: { cookie } }))
    await loop.fetch(new Request(`${BASE}/track`, { method: 'POST' })) // another browser
    expect(await loop.analytics.events({ types: ['visitor.seen'] })).toHaveLength(2)
    const f = await loop.analytics.funnel()
    expect(f.steps[0]).toEqual({ step: 'visited', people: 2, conversion: 1 })
  })
})
