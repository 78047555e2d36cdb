import { type KeyObject, X509Certificate } from 'node:crypto'
import type { PlatformCertificate } from './certificate-download.js'
import type { WechatVerifiers } from './verify-signature.js'

/** What the storage cache holds for one merchant: the last checked download. */
export interface CertificateSet {
  /** Milliseconds: when it was downloaded. */
  fetchedAt: number
  certificates: PlatformCertificate[]
}

function isCertificate(value: unknown): value is PlatformCertificate {
  const c = value as Partial<PlatformCertificate> | null
  return (
    typeof c?.serial === 'string' &&
    typeof c.pem === 'string' &&
    Number.isFinite(c.effectiveAt) &&
    Number.isFinite(c.expireAt)
  )
}

/** The cached entry, or null when absent or not in the shape Loopkit writes. */
export function readCertificateSet(value: string | null): CertificateSet | null {
  if (value === null) return null
  try {
    const set = JSON.parse(value) as Partial<CertificateSet>
    if (!Number.isFinite(set.fetchedAt) || !Array.isArray(set.certificates)) return null
    const certificates = set.certificates.filter(isCertificate)
    return certificates.length ? { fetchedAt: set.fetchedAt as number, certificates } : null
  } catch {
    return null
  }
}

// Parsing a certificate on every callback would cost more than verifying it; PEMs never change.
const keys = new Map<string, KeyObject>()

function keyOf(cert: PlatformCertificate): KeyObject | null {
  let key = keys.get(cert.pem)
  if (!key) {
    try {
      const parsed = new X509Certificate(cert.pem)
      // The cache is only written after checks, but the key is still taken from the certificate
      // itself and only under its own serial.
      if (parsed.serialNumber.toUpperCase() !== cert.serial) return null
      key = parsed.publicKey
    } catch {
      return null
    }
    if (keys.size > 64) keys.clear()
    keys.set(cert.pem, key)
  }
  return key
}

/**
 * The keys to verify with at `now`: the configured ones, plus each cached certificate inside its
 * validity period (an expired certificate is never used, a not yet effective one not yet).
 */
export function verifiersOf(input: {
  configured: WechatVerifiers
  set: CertificateSet | null
  now: number
}): WechatVerifiers {
  const map = new Map(input.configured)
  for (const cert of input.set?.certificates ?? []) {
    if (cert.effectiveAt > input.now || cert.expireAt <= input.now) continue
    const key = keyOf(cert)
    if (key) map.set(cert.serial, key)
  }
  return map
}
