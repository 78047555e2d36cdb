import { createHash, X509Certificate } from 'node:crypto'
import { certificateSignatureOid } from '../_internal/der.js'
import { alipayError } from '../_internal/errors.js'

/** PKCS #1 signature algorithms (`sha256WithRSAEncryption`, …): `1.2.840.113549.1.1.*`. */
const RSA_SIGNATURE_OID = '1.2.840.113549.1.1.'

function splitPem(chain: string): string[] {
  return chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
}

function sn(cert: X509Certificate): string {
  // Alipay's issuer string is the RFC 2253 form: RDNs from the last to the first, joined by `,`.
  const issuer = cert.issuer.split('\n').reverse().join(',')
  const serial = BigInt(`0x${cert.serialNumber}`).toString(10)
  return createHash('md5').update(`${issuer}${serial}`, 'utf8').digest('hex')
}

function parse(pem: string, option: string): X509Certificate {
  try {
    return new X509Certificate(pem)
  } catch (e) {
    throw alipayError('configuration', `\`${option}\` is not a PEM certificate.`, { cause: e })
  }
}

/**
 * The `app_cert_sn` (or `alipay_cert_sn`) of a certificate, as Alipay specifies it: the hex MD5 of
 * the issuer DN (`CN=…,OU=…,O=…,C=…`) followed by the serial number in decimal.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs'
 * certSn(readFileSync('appCertPublicKey_2021000000000000.crt', 'utf8')) // 32 hex characters
 * ```
 */
export function certSn(pem: string, option = 'appCert'): string {
  const first = splitPem(pem)[0]
  if (!first) throw alipayError('configuration', `\`${option}\` holds no PEM certificate.`)
  return sn(parse(first, option))
}

/**
 * The `alipay_root_cert_sn` of Alipay's root certificate chain (`alipayRootCert.crt`): the SNs of the
 * certificates in it that are RSA-signed, joined with `_` (the chain also holds an SM2 root, skipped).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs'
 * rootCertSn(readFileSync('alipayRootCert.crt', 'utf8')) // "<md5>_<md5>"
 * ```
 */
export function rootCertSn(chain: string, option = 'alipayRootCert'): string {
  const sns: string[] = []
  for (const pem of splitPem(chain)) {
    const cert = parse(pem, option)
    let oid: string
    try {
      oid = certificateSignatureOid(new Uint8Array(cert.raw))
    } catch (e) {
      throw alipayError('configuration', `\`${option}\` holds a certificate that cannot be read.`, {
        cause: e,
      })
    }
    if (oid.startsWith(RSA_SIGNATURE_OID)) sns.push(sn(cert))
  }
  if (sns.length === 0) throw alipayError('configuration', `\`${option}\` holds no RSA-signed certificate.`)
  return sns.join('_')
}
