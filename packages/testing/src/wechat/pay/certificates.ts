// The simulator's platform certificates: real X.509 certificates (node-forge builds the ASN.1,
// Node signs it), rotated like WeChat rotates them, served by `GET /v3/certificates` as WeChat
// serves them. Written against the protocol notes, independently of @loopkit/wechat.
import { randomBytes, sign } from 'node:crypto'
import forge from 'node-forge'
import { encrypt, generateRsaKeyPair, type RsaKeyPair } from './crypto.js'
import { rfc3339 } from './state.js'

const YEAR = 365 * 86_400_000

/** One platform certificate the simulated WeChat Pay holds. */
export interface SimCertificate {
  /** Uppercase hex, as `X509Certificate.serialNumber` prints it. */
  serial: string
  pair: RsaKeyPair
  /** PEM `BEGIN CERTIFICATE`. */
  pem: string
  effectiveAt: number
  expireAt: number
  /** Simulated ms from which responses and callbacks are signed with this certificate. */
  signFrom: number
}

/** How the next `/v3/certificates` answer is forged (after which it is signed as usual). */
export type CertificateForgery = 'ciphertext' | 'serial' | 'expired'

/**
 * A 40-hex-digit serial whose first byte is 0x10–0x7F: a positive DER INTEGER with no leading zero
 * byte, so every X.509 parser prints exactly this string.
 */
export function randomCertificateSerial(): string {
  const bytes = randomBytes(20)
  bytes[0] = 0x10 + (bytes[0]! % 0x70)
  return bytes.toString('hex').toUpperCase()
}

/** Issues a self-signed platform certificate for `pair` (SHA256withRSA, signed by Node's crypto). */
export function issueCertificate(input: {
  pair: RsaKeyPair
  serial: string
  effectiveAt: number
  expireAt: number
}): string {
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.publicKeyFromPem(input.pair.publicKeyPem)
  cert.serialNumber = input.serial.toLowerCase()
  cert.validity.notBefore = new Date(input.effectiveAt)
  cert.validity.notAfter = new Date(input.expireAt)
  const name = [
    { name: 'countryName', value: 'CN' },
    { name: 'organizationName', value: 'Tenpay.com (simulated)' },
    { name: 'organizationalUnitName', value: 'Tenpay.com CA Center' },
    { name: 'commonName', value: 'Tenpay.com sign' },
  ]
  cert.setSubject(name)
  cert.setIssuer(name)
  cert.setExtensions([{ name: 'keyUsage', digitalSignature: true, keyEncipherment: true }])
  // forge's own RSA is pure JavaScript and slow; sign the TBS bytes with Node instead.
  cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption!
  cert.signatureOid = forge.pki.oids.sha256WithRSAEncryption!
  // `getTBSCertificate` is public API of node-forge that its type definitions leave out.
  const pki = forge.pki as typeof forge.pki & {
    getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1
  }
  const tbs = pki.getTBSCertificate(cert)
  cert.tbsCertificate = tbs
  const der = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary')
  cert.signature = sign('sha256', der, input.pair.privateKey).toString('binary')
  return forge.pki.certificateToPem(cert)
}

/** The certificates of one simulated merchant, their rotation, and the `/v3/certificates` answer. */
export function createCertificateAuthority(input: { now: () => number; validityMs?: number }) {
  const validityMs = input.validityMs ?? 5 * YEAR
  const certificates: SimCertificate[] = []
  let forgeNext: CertificateForgery | null = null
  let pinned: string | null = null

  async function issue(pair?: RsaKeyPair, signFrom?: number): Promise<SimCertificate> {
    const now = input.now()
    const keys = pair ?? (await generateRsaKeyPair())
    const serial = randomCertificateSerial()
    const cert: SimCertificate = {
      serial,
      pair: keys,
      pem: issueCertificate({ pair: keys, serial, effectiveAt: now, expireAt: now + validityMs }),
      effectiveAt: now,
      expireAt: now + validityMs,
      signFrom: signFrom ?? now,
    }
    certificates.push(cert)
    return cert
  }

  /** Certificates WeChat still serves: not expired. */
  const valid = () => certificates.filter((c) => c.expireAt > input.now())

  /** The newest certificate whose signing moment has come (the old one until then). */
  function signer(): SimCertificate {
    const pin = certificates.find((c) => c.serial === pinned)
    if (pin) return pin
    const now = input.now()
    const usable = valid().filter((c) => c.signFrom <= now)
    const chosen = usable.at(-1) ?? certificates.at(-1)
    if (!chosen) throw new Error('[loopkit] [wechat-simulator] No platform certificate issued.')
    return chosen
  }

  function entry(
    apiV3Key: string,
    cert: { serial: string; pem: string; effectiveAt: number; expireAt: number },
  ) {
    return {
      serial_no: cert.serial,
      effective_time: rfc3339(cert.effectiveAt),
      expire_time: rfc3339(cert.expireAt),
      encrypt_certificate: encrypt(apiV3Key, cert.pem, 'certificate'),
    }
  }

  /**
   * The body of `GET /v3/certificates` (every unexpired certificate) and who signs it; a pending
   * forgery is applied once.
   */
  async function answer(apiV3Key: string): Promise<{ json: unknown; signAs: SimCertificate }> {
    const forgery = forgeNext
    forgeNext = null
    const data = valid().map((c) => entry(apiV3Key, c))
    if (forgery === 'ciphertext') {
      const bytes = Buffer.from(data[0]!.encrypt_certificate.ciphertext, 'base64')
      bytes[10]! ^= 0x01
      data[0]!.encrypt_certificate.ciphertext = bytes.toString('base64')
    }
    if (forgery === 'serial') data[0]!.serial_no = randomCertificateSerial()
    if (forgery === 'expired') {
      // A certificate that expired yesterday, whose key signs the answer: only its dates are wrong.
      const now = input.now()
      const pair = await generateRsaKeyPair()
      const serial = randomCertificateSerial()
      const stale = { serial, effectiveAt: now - 2 * YEAR, expireAt: now - 86_400_000 }
      const pem = issueCertificate({ pair, ...stale })
      const signAs: SimCertificate = { ...stale, pem, pair, signFrom: stale.effectiveAt }
      return { json: { data: [entry(apiV3Key, { ...stale, pem })] }, signAs }
    }
    return { json: { data }, signAs: signer() }
  }

  return {
    issue,
    signer,
    answer,
    valid,
    all: certificates as readonly SimCertificate[],
    pin(serial: string | null) {
      if (serial !== null && !certificates.some((c) => c.serial === serial))
        throw new Error(`[loopkit] [wechat-simulator] No platform certificate ${serial}.`)
      pinned = serial
    },
    forgeNext(kind: CertificateForgery) {
      forgeNext = kind
    },
  }
}

/** The platform certificates part of the simulator. */
export type CertificateAuthority = ReturnType<typeof createCertificateAuthority>

/**
 * The certificate controls of `sim.pay`. `enterCertificateMode` switches the simulator to signing
 * with platform certificates.
 */
export function certificateControls(ca: CertificateAuthority, enterCertificateMode: () => void) {
  const controls = {
    /**
     * Issue a new platform certificate (new key, new serial), served by `/v3/certificates` next to
     * the old one until the old one expires, and sign with it from `signFrom` (simulated ms;
     * default now): WeChat hands the new certificate out days before it starts signing with it.
     * Switches to certificate mode.
     */
    async rotateCertificate(input: { signFrom?: number } = {}) {
      const cert = await ca.issue(undefined, input.signFrom)
      enterCertificateMode()
      return { serial: cert.serial, certificate: cert.pem, publicKey: cert.pair.publicKeyPem }
    },
    /**
     * Sign with this certificate (even an expired one) until called with `null`: during a rotation
     * WeChat signs some messages with the old certificate and some with the new one.
     */
    signWithCertificate(serial: string | null) {
      ca.pin(serial)
      enterCertificateMode()
    },
    /** `rotateCertificate()` signing from now. */
    rotateKeys: () => controls.rotateCertificate(),
    /** Every platform certificate issued so far, oldest first (expired ones included). */
    platformCertificates: () =>
      ca.all.map((c) => ({
        serial: c.serial,
        certificate: c.pem,
        effectiveAt: c.effectiveAt,
        expireAt: c.expireAt,
        signFrom: c.signFrom,
      })),
    /**
     * The next `/v3/certificates` answer is forged, then signed as usual: `ciphertext` (one byte of
     * an `encrypt_certificate` flipped), `serial` (a `serial_no` that is not the certificate's) or
     * `expired` (an expired certificate whose key signs the answer).
     */
    forgeNextCertificates(kind: CertificateForgery) {
      ca.forgeNext(kind)
    },
  }
  return controls
}
