import type { KeyObject } from 'node:crypto'
import { requiredOptionError } from '@loopkit/core'
import { alipayError } from '../_internal/errors.js'
import { readPrivateKey, readPublicKey } from '../_internal/keys.js'
import { certSn, rootCertSn } from './cert-sn.js'

/**
 * Public-key-certificate mode (公钥证书模式): the three certificates downloaded from the Open Platform.
 * @inline
 */
export interface AlipayCerts {
  /** `appCertPublicKey_<appId>.crt`: the application's certificate (its SN goes in every request). */
  appCert: string
  /** `alipayCertPublicKey_RSA2.crt`: Alipay's certificate; its key verifies answers and notifications. */
  alipayCert: string
  /** `alipayRootCert.crt`: Alipay's root chain (its RSA-signed SNs go in every request). */
  alipayRootCert: string
}

/** Options of {@link alipayPayments}. Give `alipayPublicKey` (public-key mode) or `certs` (certificate mode). */
export interface AlipayPaymentsOptions {
  /** The application's APPID on the Open Platform (开放平台). */
  appId: string
  /** The application private key (应用私钥), RSA2: PEM PKCS#8/PKCS#1 or the key tool's Base64. */
  privateKey: string | KeyObject
  /** Public-key mode: Alipay's public key (支付宝公钥), PEM or Base64. */
  alipayPublicKey?: string | KeyObject
  /** Certificate mode: the three certificates. */
  certs?: AlipayCerts
  /** Defaults to `https://openapi.alipay.com/gateway.do`; tests point it at the simulator. */
  gateway?: string
  /**
   * The route segment and order provider, which also makes the notify path `/webhooks/<id>`;
   * defaults to `alipay`.
   */
  id?: string
  /**
   * Where Alipay posts notifications, when not the loop's own `/webhooks/<id>` route: a path on the
   * loop's origin (e.g. `/alipay/notify` kept from an older integration) that your server forwards
   * to `loop.fetch` unchanged.
   */
  notifyPath?: string
  /**
   * The merchant's Alipay user id (2088…, 卖家支付宝用户号). When set, a notification or query for
   * another seller is refused.
   */
  sellerId?: string
  /** Per-attempt timeout in ms; defaults to 10 000. */
  timeout?: number
  /** Retries of idempotent calls (query, close, refund query, refund by `out_request_no`); default 2. */
  retry?: number
  fetch?: typeof globalThis.fetch
  /** Milliseconds clock; `timestamp` and `time_expire` use it. */
  now?: () => number
}

export interface ResolvedOptions {
  id: string
  appId: string
  privateKey: KeyObject
  alipayPublicKey: KeyObject
  appCertSn: string | null
  alipayRootCertSn: string | null
  alipayCertSn: string | null
  sellerId: string | null
  notifyPath: string | null
  gateway: string
  timeout: number
  retry: number
  fetch: typeof globalThis.fetch
  now: () => number
}

/** Validates everything at construction, so a wrong key or certificate fails at boot. */
export function resolveOptions(options: AlipayPaymentsOptions): ResolvedOptions {
  for (const name of ['appId', 'privateKey'] as const)
    if (!options?.[name]) throw requiredOptionError('alipay', name)
  if (!/^\d{16}$/.test(options.appId))
    throw alipayError('configuration', '`appId` must be the 16-digit APPID of the Open Platform application.')
  if (!options.alipayPublicKey === !options.certs)
    throw alipayError(
      'configuration',
      'Give exactly one of `alipayPublicKey` (public-key mode) or `certs` (certificate mode).',
    )
  if (options.sellerId !== undefined && !/^2088\d{12}$/.test(options.sellerId))
    throw alipayError('configuration', '`sellerId` must be the 16-digit Alipay user id starting with 2088.')
  const gateway = options.gateway ?? 'https://openapi.alipay.com/gateway.do'
  try {
    new URL(gateway)
  } catch {
    throw alipayError('configuration', `\`gateway\` is not a URL: \`${gateway}\`.`)
  }
  if (options.notifyPath !== undefined && !/^\/[^\s?#]*$/.test(options.notifyPath))
    throw alipayError(
      'configuration',
      '`notifyPath` must be a path starting with `/`, without query or fragment.',
    )
  const certs = options.certs
  if (certs) {
    for (const name of ['appCert', 'alipayCert', 'alipayRootCert'] as const)
      if (!certs[name]) throw requiredOptionError('alipay', `certs.${name}`)
  }
  return {
    id: options.id ?? 'alipay',
    appId: options.appId,
    privateKey: readPrivateKey(options.privateKey, 'privateKey'),
    alipayPublicKey: certs
      ? readPublicKey(certs.alipayCert, 'certs.alipayCert')
      : readPublicKey(options.alipayPublicKey!, 'alipayPublicKey'),
    appCertSn: certs ? certSn(certs.appCert, 'certs.appCert') : null,
    alipayRootCertSn: certs ? rootCertSn(certs.alipayRootCert, 'certs.alipayRootCert') : null,
    alipayCertSn: certs ? certSn(certs.alipayCert, 'certs.alipayCert') : null,
    sellerId: options.sellerId ?? null,
    notifyPath: options.notifyPath ?? null,
    gateway,
    timeout: options.timeout ?? 10_000,
    retry: options.retry ?? 2,
    fetch: options.fetch ?? globalThis.fetch,
    now: options.now ?? Date.now,
  }
}
