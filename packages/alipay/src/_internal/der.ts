/** One DER TLV: its tag, where its content starts and how long it is. */
interface Tlv {
  tag: number
  start: number
  length: number
  end: number
}

function readTlv(der: Uint8Array, at: number): Tlv {
  const tag = der[at]
  let len = der[at + 1]
  if (tag === undefined || len === undefined) throw new Error('truncated DER')
  let start = at + 2
  if (len & 0x80) {
    const n = len & 0x7f
    if (n === 0 || n > 4) throw new Error('unsupported DER length')
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + (der[start + i] ?? Number.NaN)
    start += n
  }
  if (!Number.isFinite(len) || start + len > der.length) throw new Error('truncated DER')
  return { tag, start, length: len, end: start + len }
}

function oidText(bytes: Uint8Array): string {
  const parts: number[] = []
  let value = 0
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f)
    if (b & 0x80) continue
    // The first subidentifier packs the first two arcs: 40 × first + second.
    if (parts.length === 0)
      parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80)
    else parts.push(value)
    value = 0
  }
  return parts.join('.')
}

/**
 * The OID of a certificate's outer `signatureAlgorithm` (the issuer's signature), read from its DER:
 * `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }`. Node 20's
 * `X509Certificate` does not expose it, and Alipay's root chain mixes RSA and SM2 certificates.
 */
export function certificateSignatureOid(der: Uint8Array): string {
  const cert = readTlv(der, 0)
  if (cert.tag !== 0x30) throw new Error('not a certificate')
  const tbs = readTlv(der, cert.start)
  const alg = readTlv(der, tbs.end)
  const oid = readTlv(der, alg.start)
  if (alg.tag !== 0x30 || oid.tag !== 0x06) throw new Error('no signature algorithm')
  return oidText(der.subarray(oid.start, oid.end))
}
