import { isLoopError } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { certSn, rootCertSn } from '../src/index.js'
import { ALIPAY_CERT, ALIPAY_CERT_SN, APP_CERT, APP_CERT_SN, ROOT_CERT_SN, ROOT_CHAIN } from './certs.js'

describe('public-key-certificate mode serial numbers', () => {
  it('app_cert_sn is md5(issuer DN + decimal serial)', () => {
    expect(certSn(APP_CERT)).toBe(APP_CERT_SN)
    expect(certSn(ALIPAY_CERT)).toBe(ALIPAY_CERT_SN)
  })

  it('alipay_root_cert_sn joins the SNs of the RSA-signed roots only', () => {
    expect(rootCertSn(ROOT_CHAIN)).toBe(ROOT_CERT_SN)
    // Two RSA-signed certificates in a chain are joined with `_`, in chain order.
    expect(rootCertSn(`${ROOT_CHAIN}${APP_CERT}`)).toBe(`${ROOT_CERT_SN}_${APP_CERT_SN}`)
  })

  it('a chain without an RSA-signed certificate, or no certificate, is a configuration error', () => {
    const ecOnly = ROOT_CHAIN.slice(ROOT_CHAIN.indexOf('-----END CERTIFICATE-----') + 26)
    for (const bad of [ecOnly, 'not a certificate']) {
      let error: unknown = null
      try {
        rootCertSn(bad)
      } catch (e) {
        error = e
      }
      expect(isLoopError(error) && error.code).toBe('configuration')
    }
  })
})
