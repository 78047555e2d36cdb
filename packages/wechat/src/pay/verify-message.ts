import { isLoopError } from '@loopkit/core'
import { normalizeHexSerial } from '../_internal/keys.js'
import type { CertificateStore } from './certificate-store.js'
import { type VerifiedHeaders, verifyWechatSignature, type WechatVerifiers } from './verify-signature.js'

/** Verifies a WeChat Pay response or callback on its raw bytes; throws `LoopError` when it does not verify. */
export type MessageVerifier = (input: { headers: Headers; body: Uint8Array }) => Promise<VerifiedHeaders>

/** Public-key mode (and certificates configured by hand): the keys never change. */
export function staticMessageVerifier(input: {
  verifiers: WechatVerifiers
  now: () => number
}): MessageVerifier {
  return async ({ headers, body }) =>
    verifyWechatSignature({ headers, body, verifiers: input.verifiers, now: input.now() })
}

/**
 * Certificate mode: verifies against the configured keys plus the cached platform certificates.
 * A message whose timestamp is fresh but whose `Wechatpay-Serial` we do not hold triggers one
 * refresh (at most one download per interval for all instances together) and one more try —
 * never a loop, so random serials cannot make the merchant hammer WeChat.
 */
export function certificateMessageVerifier(input: {
  store: CertificateStore
  now: () => number
}): MessageVerifier {
  return async ({ headers, body }) => {
    const verifiers = await input.store.verifiers()
    try {
      return verifyWechatSignature({ headers, body, verifiers, now: input.now() })
    } catch (e) {
      const serial = headers.get('Wechatpay-Serial') ?? ''
      const known = verifiers.has(serial) || verifiers.has(normalizeHexSerial(serial) ?? '')
      // Only a well-formed, fresh message (a stale one fails with `timestamp_out_of_window`) whose
      // serial is new to us may cost a download; a known serial with a bad signature is just bad.
      const wellFormed =
        !!serial &&
        !!headers.get('Wechatpay-Signature') &&
        !!headers.get('Wechatpay-Nonce') &&
        /^\d{1,12}$/.test(headers.get('Wechatpay-Timestamp') ?? '')
      if (!isLoopError(e) || e.code !== 'signature_invalid' || known || !wellFormed) throw e
      const fresh = await input.store.refreshForUnknownSerial()
      return verifyWechatSignature({ headers, body, verifiers: fresh, now: input.now() })
    }
  }
}
