const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/**
 * `length` characters of [0-9A-Za-z], uniformly random (rejection sampling, no modulo bias).
 *
 * @example
 * ```ts
 * randomBase62(22) // a visitor key: "cplBJqV2FYiaovGN587Wpn"
 * ```
 */
export function randomBase62(length: number): string {
  let out = ''
  while (out.length < length) {
    const b = randomByte()
    if (b < 248) out += BASE62[b % 62]
  }
  return out
}

// Random bytes are drawn from the CSPRNG (Web Crypto's `getRandomValues`, in every runtime) in
// 4 KiB blocks: one call per ~150 ids instead of one per id (it was a tenth of a flash sale's CPU).
const pool = new Uint8Array(4096)
let poolOffset = pool.length

function randomByte(): number {
  if (poolOffset >= pool.length) {
    crypto.getRandomValues(pool)
    poolOffset = 0
  }
  return pool[poolOffset++]!
}

/**
 * `prefix_` + 20 base62 characters: 8 of the millisecond clock, then 12 random (~71 bits). Ids
 * made later sort later, so a database appends them to its indexes instead of writing into random
 * pages (in a flash sale on SQLite that was most of the write cost). Ids are not secrets.
 *
 * @example
 * ```ts
 * newId('ord') // "ord_0fHk2Qz1" + 12 random characters
 * ```
 */
export function newId(prefix: string, now: number = Date.now()): string {
  let t = Math.max(0, Math.floor(now))
  let stamp = ''
  for (let i = 0; i < 8; i++) {
    stamp = BASE62[t % 62] + stamp
    t = Math.floor(t / 62)
  }
  return `${prefix}_${stamp}${randomBase62(12)}`
}

/**
 * An order number valid as a WeChat `out_trade_no` and an Alipay `out_trade_no`: the UTC date and
 * time to the second, then 10 random base62 characters (24 characters, `[0-9A-Za-z]` only).
 *
 * @example
 * ```ts
 * newOrderNumber(Date.parse('2026-11-25T08:05:01Z')) // "20261125080501" + 10 random characters
 * ```
 */
export function newOrderNumber(now: number): string {
  const second = Math.floor(now / 1000)
  // Orders in a sale come many per second: the formatted second is kept, not rebuilt per order.
  if (second !== stampSecond) {
    stampSecond = second
    stamp = new Date(second * 1000).toISOString().replace(/\D/g, '').slice(0, 14)
  }
  return `${stamp}${randomBase62(10)}`
}

let stampSecond = Number.NaN
let stamp = ''
