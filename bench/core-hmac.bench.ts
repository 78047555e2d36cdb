// The HMAC paths of core (session cookies, share tokens, login state, sandbox webhooks): core's
// portable HMAC-SHA256 (@noble/hashes with the keyed state cached per key, no node:crypto) against
// node:crypto's createHmac doing the same work, in the same run. Run:
//   node --conditions=@loopkit/source --import tsx bench/run.ts core-hmac
import { createHmac } from 'node:crypto'
import { mac, macHex } from '../packages/core/src/_internal/sign.js'

const KEY = 'derived-session-key-0123456789abcdefghijklmno'
const SESSION = 'session:cus_0fHk2Qz1abcdefghijkl.1798761600000'
const WEBHOOK = new TextEncoder().encode(
  JSON.stringify({
    id: 'evt_sbx_0123456789abcdef',
    type: 'payment.succeeded',
    data: { orderNumber: '20261125080501abcdefghij', amount: 8800 },
  }),
)

function rate(fn: (i: number) => unknown, ms = 1500): number {
  for (let i = 0; i < 5_000; i++) fn(i) // warm up
  let n = 0
  const start = performance.now()
  while (performance.now() - start < ms) {
    for (let i = 0; i < 1_000; i++) fn(n + i)
    n += 1_000
  }
  return Math.round((n / (performance.now() - start)) * 1000)
}

export default async function run(): Promise<void> {
  const cases: [string, (i: number) => unknown, (i: number) => unknown][] = [
    [
      'session mac (32 base64url chars)',
      (i) => mac(KEY, `${SESSION}${i}`, 32),
      (i) => createHmac('sha256', KEY).update(`${SESSION}${i}`).digest('base64url').slice(0, 32),
    ],
    [
      'webhook hex mac over a 130-byte body',
      (i) => macHex(KEY, `${i}.`, WEBHOOK),
      (i) => createHmac('sha256', KEY).update(`${i}.`).update(WEBHOOK).digest('hex'),
    ],
  ]
  for (const [name, ours, baseline] of cases) {
    const before = rate(baseline)
    const core = rate(ours)
    const after = rate(baseline)
    const node = Math.round((before + after) / 2)
    console.log(
      `${name}: core ${core} ops/s, node:crypto ${node} ops/s (before ${before}, after ${after}), ratio ${(core / node).toFixed(2)}`,
    )
  }
}
