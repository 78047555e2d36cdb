import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * WeChat's message-server signature: lowercase hex SHA-1 of the values sorted as strings (byte
 * order, never numerically: `"486452656"` sorts after `"1714037059"`) and joined with no separator.
 * Three values (`token, timestamp, nonce`) make `signature`; adding the body's `Encrypt` makes
 * `msg_signature`.
 *
 * @example
 * ```ts
 * messageSignature({ values: ['AAAAA', '1714036504', '1514711492'] })
 * // 'f464b24fc39322e44b38aa78f5edd27bd1441696'
 * ```
 */
export function messageSignature(input: { values: ReadonlyArray<string> }): string {
  // Default sort compares UTF-16 code units; every value WeChat signs is ASCII, so that is byte order.
  const joined = [...input.values].sort().join('')
  return createHash('sha1').update(joined, 'utf8').digest('hex')
}

/**
 * Whether `signature` is the signature of `values`, compared in constant time. A missing or
 * malformed signature is simply not valid.
 *
 * @example
 * ```ts
 * if (!verifyMessageSignature({ values: [token, timestamp, nonce], signature })) return forbidden()
 * ```
 */
export function verifyMessageSignature(input: {
  values: ReadonlyArray<string>
  signature: string | null | undefined
}): boolean {
  const given = input.signature ?? ''
  if (!/^[0-9a-f]{40}$/.test(given)) return false
  const expected = messageSignature({ values: input.values })
  return timingSafeEqual(Buffer.from(given, 'ascii'), Buffer.from(expected, 'ascii'))
}
