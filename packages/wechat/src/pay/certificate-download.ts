import { type KeyObject, X509Certificate } from 'node:crypto'
import { isLoopError } from '@loopkit/core'
import { printable, wechatError } from '../_internal/errors.js'
import { normalizeHexSerial, sameSerial } from '../_internal/keys.js'
import type { PayClient } from './client.js'
import { decryptResource, type EncryptedResource } from './decrypt-resource.js'
import { verifyWechatSignature, type WechatVerifiers } from './verify-signature.js'

/** One WeChat Pay platform certificate, as Loopkit caches it. */
export interface PlatformCertificate {
  /** Uppercase hex, as `X509Certificate.serialNumber` prints it. */
  serial: string
  /** PEM `BEGIN CERTIFICATE`. */
  pem: string
  /** Milliseconds: the certificate's notBefore. */
  effectiveAt: number
  /** Milliseconds: the certificate's notAfter; never used from then on. */
  expireAt: number
}

/** An entry of WeChat Pay's `GET /v3/certificates` answer. */
interface CertificateEntry {
  serial_no?: unknown
  effective_time?: unknown
  expire_time?: unknown
  encrypt_certificate?: Partial<EncryptedResource>
}

function forged(message: string): never {
  throw wechatError('signature_invalid', `Refused the /v3/certificates answer: ${message}`)
}

/**
 * Decrypts and checks one entry: AEAD_AES_256_GCM with the APIv3 key (only WeChat Pay and the
 * merchant hold it, so a decrypting entry is WeChat's), a parseable RSA X.509 certificate whose
 * serial is `serial_no`, and not expired at `now`.
 */
export function openCertificateEntry(input: {
  apiV3Key: KeyObject
  entry: CertificateEntry
  now: number
}): PlatformCertificate & { key: KeyObject } {
  const { entry } = input
  const serialNo = typeof entry.serial_no === 'string' ? normalizeHexSerial(entry.serial_no) : null
  const sealed = entry.encrypt_certificate
  if (!serialNo || typeof sealed !== 'object' || sealed === null)
    forged('an entry lacks `serial_no` or `encrypt_certificate`.')
  let pem: string
  try {
    pem = decryptResource({ apiV3Key: input.apiV3Key, resource: sealed as EncryptedResource })
  } catch {
    return forged(
      `certificate ${printable(serialNo)} does not decrypt with the APIv3 key (tampered or not from WeChat Pay).`,
    )
  }
  let cert: X509Certificate
  try {
    cert = new X509Certificate(pem)
  } catch {
    return forged(`certificate ${printable(serialNo)} is not an X.509 certificate.`)
  }
  if (!sameSerial(normalizeHexSerial(cert.serialNumber) ?? '', serialNo)) {
    forged(`\`serial_no\` ${printable(serialNo)} is not the serial of the certificate it carries.`)
  }
  const effectiveAt = Date.parse(cert.validFrom)
  const expireAt = Date.parse(cert.validTo)
  if (Number.isNaN(effectiveAt) || Number.isNaN(expireAt))
    forged(`certificate ${serialNo} has unreadable dates.`)
  if (expireAt <= input.now) forged(`certificate ${serialNo} expired at ${cert.validTo}.`)
  if (cert.publicKey.asymmetricKeyType !== 'rsa') forged(`certificate ${serialNo} is not an RSA certificate.`)
  // Keyed by the certificate's own serial (what `verifiersOf` checks again on every read).
  const serial = cert.serialNumber.toUpperCase()
  return { serial, pem: cert.toString(), effectiveAt, expireAt, key: cert.publicKey }
}

/**
 * Checks a whole `/v3/certificates` answer on its raw bytes and returns its certificates. Every
 * entry must open ({@link openCertificateEntry}), and the answer's signature must verify with the
 * key of its `Wechatpay-Serial`: an already trusted one when that serial is trusted, otherwise the
 * certificate of that serial carried in the answer itself — the official SDKs' bootstrap rule, which
 * also picks up a rotation WeChat already signs with (the APIv3-key encryption is what makes a
 * carried certificate WeChat's). Anything else throws `LoopError('signature_invalid')`.
 */
export function checkCertificatesAnswer(input: {
  headers: Headers
  body: Uint8Array
  apiV3Key: KeyObject
  trusted: WechatVerifiers
  now: number
}): PlatformCertificate[] {
  let json: { data?: unknown }
  try {
    json = JSON.parse(Buffer.from(input.body).toString('utf8')) as { data?: unknown }
  } catch {
    return forged('the body is not JSON.')
  }
  if (!Array.isArray(json?.data) || json.data.length === 0) forged('it lists no certificate.')
  const opened = (json.data as CertificateEntry[]).map((entry) =>
    openCertificateEntry({ apiV3Key: input.apiV3Key, entry, now: input.now }),
  )
  const raw = input.headers.get('Wechatpay-Serial') ?? ''
  const serial = normalizeHexSerial(raw) ?? raw
  const carried = opened.find((c) => sameSerial(c.serial, serial))
  const verifiers: WechatVerifiers = input.trusted.has(serial)
    ? input.trusted
    : new Map(carried ? [[serial, carried.key]] : [])
  verifyWechatSignature({ headers: input.headers, body: input.body, verifiers, now: input.now })
  return opened.map(({ key: _key, ...cert }) => cert)
}

/**
 * Downloads the platform certificates: `GET /v3/certificates`, signed like every request, answer
 * checked by {@link checkCertificatesAnswer}. `signal` bounds the whole call (retries included).
 * A merchant without platform certificates (WeChat answers `RESOURCE_NOT_EXISTS`) gets
 * `LoopError('configuration')` telling it to use the WeChat Pay public key.
 */
export async function downloadPlatformCertificates(input: {
  client: PayClient
  apiV3Key: KeyObject
  trusted: () => WechatVerifiers
  now: () => number
  signal: AbortSignal
}): Promise<PlatformCertificate[]> {
  let certificates: PlatformCertificate[] = []
  try {
    await input.client({
      method: 'GET',
      path: '/v3/certificates',
      signal: input.signal,
      verify: ({ headers, body }) => {
        certificates = checkCertificatesAnswer({
          headers,
          body,
          apiV3Key: input.apiV3Key,
          trusted: input.trusted(),
          now: input.now(),
        })
      },
    })
  } catch (e) {
    if (isLoopError(e) && e.code === 'not_found') {
      throw wechatError(
        'configuration',
        'WeChat Pay has no platform certificate for this merchant (RESOURCE_NOT_EXISTS): configure the WeChat Pay public key in `verifiers` instead of `platformCertificates`.',
        { cause: e },
      )
    }
    throw e
  }
  return certificates
}
