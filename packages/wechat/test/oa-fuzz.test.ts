// 5,500 mutated official-account pushes: none changes state. Phase A mutates the signed material
// of pushes never delivered (every one must be refused); phase B mutates anything anywhere in pushes
// already recorded (each is refused or, if its signed content survived, a duplicate).
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type OaWorld, oaWorld } from './oa-harness.js'

let w: OaWorld
let pushes: Array<{ url: string; body: string }>

beforeAll(async () => {
  w = await oaWorld({ oa: { subscriptions: { TPL_A: { topic: 'order.fulfilled' } }, lookupUnionId: false } })
  const { customer: sharer } = await w.loop.customers.login({
    profile: { provider: 'sandbox', subject: 'carol' },
  })
  const { token } = await w.loop.shares.create({ customerId: sharer.id, skuId: 'duck' })
  const openid = w.sim.oa.openid('alice')
  const xmls = [
    w.sim.oa.xmlFor({
      user: 'alice',
      fields: [
        ['MsgType', 'event'],
        ['Event', 'subscribe'],
        ['EventKey', `qrscene_${token}`],
      ],
    }),
    w.sim.oa.xmlFor({
      user: 'alice',
      fields: [
        ['MsgType', 'text'],
        ['Content', 'hi'],
        ['MsgId', '6054768590064713728'],
      ],
    }),
    w.sim.oa.xmlFor({
      user: 'alice',
      fields: [
        ['MsgType', 'event'],
        ['Event', 'unsubscribe'],
      ],
    }),
    `<xml><ToUserName><![CDATA[gh_5100000000ab]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName><CreateTime>${Math.floor(w.sim.now() / 1000)}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe_msg_popup_event]]></Event><SubscribeMsgPopupEvent><List><TemplateId><![CDATA[TPL_A]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>2</PopupScene></List></SubscribeMsgPopupEvent></xml>`,
  ]
  pushes = xmls.map((xml) => w.sim.oa.signedPush({ xml, openid }))
}, 60_000)
afterAll(async () => {
  await w?.close()
})

async function snapshot() {
  const { customers } = await w.storage.listCustomers({ limit: 1000 })
  const events = await w.loop.analytics.events({ limit: 10_000 })
  return JSON.stringify({ customers, events: events.map((e) => [e.type, e.data]) })
}

const post = (url: string, body: string) => w.loop.fetch(new Request(url, { method: 'POST', body }))

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** A change to one signed value: the URL's signature/timestamp/nonce/msg_signature or the body's Encrypt. */
const signedMutation = fc.record({
  push: fc.nat(3),
  target: fc.constantFrom('signature', 'timestamp', 'nonce', 'msg_signature', 'encrypt_type', 'Encrypt'),
  how: fc.constantFrom('flip', 'drop', 'replace', 'append'),
  at: fc.nat(),
  text: fc.string({ maxLength: 8 }),
  char: fc.constantFrom(...B64),
})

type SignedMutation = { push: number; target: string; how: string; at: number; text: string; char: string }

function applySigned(m: SignedMutation): { url: string; body: string } | null {
  const original = pushes[m.push]!
  const url = new URL(original.url)
  let body = original.body
  const mutate = (value: string): string | null => {
    switch (m.how) {
      case 'flip': {
        if (value.length === 0) return null
        const i = m.at % value.length
        const c = value[i] === m.char ? (m.char === 'A' ? 'B' : 'A') : m.char
        return value.slice(0, i) + c + value.slice(i + 1)
      }
      case 'drop':
        return value.length === 0 ? null : value.slice(0, m.at % value.length)
      case 'replace':
        return m.text
      default:
        return value + (m.text || m.char)
    }
  }
  if (m.target === 'Encrypt') {
    const match = /<Encrypt><!\[CDATA\[([^\]]*)\]\]><\/Encrypt>/.exec(body)
    const changed = match ? mutate(match[1]!) : null
    if (changed === null || changed === match![1]) return null
    body = body.replace(match![1]!, changed)
  } else {
    const changed = mutate(url.searchParams.get(m.target) ?? '')
    if (changed === null || changed === url.searchParams.get(m.target)) return null
    url.searchParams.set(m.target, changed)
  }
  return { url: url.toString(), body }
}

const anyMutation = fc.record({
  push: fc.nat(3),
  inUrl: fc.boolean(),
  at: fc.nat(),
  len: fc.nat(40),
  insert: fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom(
      '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
      '&x;',
      '<![CDATA[',
      ']]>',
      '</xml>',
      '<xml>',
      '%00',
    ),
  ),
})

describe('fuzzing the message server', () => {
  it('phase A: 3,000 pushes with a mutated signed value are all refused and change nothing', async () => {
    const before = await snapshot()
    let tried = 0
    await fc.assert(
      fc.asyncProperty(signedMutation, async (m) => {
        const mutated = applySigned(m)
        if (!mutated) return
        tried++
        const res = await post(mutated.url, mutated.body)
        expect(res.status).not.toBe(200)
      }),
      { numRuns: 3_000, seed: 20261128 },
    )
    expect(tried).toBeGreaterThan(2_500)
    expect(await snapshot()).toBe(before)
  }, 240_000)

  it('phase B: after the genuine pushes, 2,500 arbitrary mutations change nothing more', async () => {
    for (const p of pushes) expect(await (await post(p.url, p.body)).text()).toBe('success')
    const before = await snapshot()
    expect(before).toContain('wechat.followed')
    await fc.assert(
      fc.asyncProperty(anyMutation, async (m) => {
        const p = pushes[m.push]!
        // In the URL, the query is what a sender controls (the path only routes).
        const [path, query] = p.url.split('?') as [string, string]
        const target = m.inUrl ? query : p.body
        const i = m.at % (target.length + 1)
        const changed = target.slice(0, i) + m.insert + target.slice(i + m.len)
        const res = await post(m.inUrl ? `${path}?${changed}` : p.url, m.inUrl ? p.body : changed)
        // Accepted only as a duplicate of what was already recorded (its signed content intact).
        if (res.status === 200) expect(await res.text()).toBe('success')
      }),
      { numRuns: 2_500, seed: 11280926 },
    )
    expect(await snapshot()).toBe(before)
  }, 240_000)
})
