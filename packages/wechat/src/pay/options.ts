import type { KeyObject } from 'node:crypto'
import type { Customer, StorageAdapter } from '@loopkit/core'
import { describeOptionValue, requiredOptionError } from '@loopkit/core'
import { wechatError } from '../_internal/errors.js'
import { normalizeHexSerial, readPrivateKey } from '../_internal/keys.js'
import { apiV3SecretKey } from './decrypt-resource.js'
import { createVerifiers, type WechatVerifiers } from './verify-signature.js'

/** Options of {@link wechatPayments}. */
export interface WechatPaymentsOptions {
  /** Merchant ID (商户号). */
  mchid: string
  /** The official-account appid used for JSAPI, Native and H5 payments. */
  appid: string
  /** The mini-program's appid, for `method: 'miniprogram'`. */
  miniProgramAppid?: string
  /** The mobile app's (Open Platform) appid, for `method: 'app'`; defaults to `appid`. */
  appAppid?: string
  /** Merchant API private key, `apiclient_key.pem` (PEM PKCS#8; PKCS#1 also accepted). */
  privateKey: string | KeyObject
  /** Merchant API certificate serial number, hex (normalized to uppercase). */
  serialNo: string
  /** The APIv3 key: exactly 32 bytes of UTF-8. */
  apiV3Key: string
  /**
   * WeChat Pay's verification keys by `Wechatpay-Serial`: platform certificates by serial and/or the
   * WeChat Pay public key by its `PUB_KEY_ID_…`. Configure both during a migration. Required unless
   * `platformCertificates` downloads the certificates.
   */
  verifiers?: Readonly<Record<string, string | KeyObject>>
  /**
   * Platform-certificate mode for merchants who have no WeChat Pay public key yet: download the
   * platform certificates from `GET /v3/certificates`, cache them in the loop's storage for every
   * instance, and refresh them before they expire. Callbacks and responses verify against
   * `verifiers` plus these certificates. Leave it out in public-key mode (the default).
   */
  platformCertificates?: PlatformCertificatesOptions
  /** Defaults to `https://api.mch.weixin.qq.com` (the backup host is `https://api2.mch.weixin.qq.com`). */
  baseUrl?: string
  /** The route segment and order provider; defaults to `wechat`. */
  id?: string
  fetch?: typeof globalThis.fetch
  /** Milliseconds clock; signatures and the 300 s window use it. */
  now?: () => number
  /** Per-attempt timeout in ms; defaults to 10 000. */
  timeout?: number
  /** Retries of idempotent requests on network errors, timeouts and 5xx; defaults to 2. */
  retry?: number
  userAgent?: string
  /**
   * The payer's openid for JSAPI / mini-program payments. Defaults to the customer's identity
   * `wechat` (JSAPI, from `wechatLogin`) and `wechat-mp` (mini-program, from `wechatMiniProgramLogin`).
   */
  payerOpenid?: (input: {
    customer: Customer
    method: 'jsapi' | 'miniprogram'
    appid: string
  }) => string | null
}

/** Options of the platform-certificate mode of {@link wechatPayments}. */
export interface PlatformCertificatesOptions {
  /** The loop's storage: its cache holds the certificates, shared by every instance. */
  storage: StorageAdapter
  /** Download again this long after the last download; default 12 hours. */
  refreshIntervalMs?: number
  /** When the newest certificate expires within this, look hourly; default 10 days. */
  refreshBeforeExpiryMs?: number
  /**
   * At most one download per this many ms, across all instances, however many callbacks name an
   * unknown `Wechatpay-Serial`; default 60 000.
   */
  minIntervalMs?: number
  /** Deadline of one download, retries included, in ms; default 15 000. */
  deadlineMs?: number
}

export interface ResolvedOptions {
  id: string
  mchid: string
  appid: string
  miniProgramAppid: string | null
  appAppid: string
  privateKey: KeyObject
  serialNo: string
  apiV3Key: KeyObject
  verifiers: WechatVerifiers
  platformCertificates: Required<PlatformCertificatesOptions> | null
  baseUrl: string
  fetch: typeof globalThis.fetch
  now: () => number
  timeout: number
  retry: number
  userAgent: string
  payerOpenid: NonNullable<WechatPaymentsOptions['payerOpenid']>
}

const defaultUserAgent = `loopkit-wechat/0.1 (node ${process.versions.node})`

function defaultPayerOpenid({
  customer,
  method,
}: {
  customer: Customer
  method: 'jsapi' | 'miniprogram'
}): string | null {
  // An openid belongs to one appid: a mini-program payment needs the mini-program's openid
  // (`wechatMiniProgramLogin`'s `wechat-mp` identity), never the official account's.
  const order = method === 'miniprogram' ? ['wechat-mp'] : ['wechat']
  for (const provider of order) {
    const identity = customer.identities.find((i) => i.provider === provider)
    if (identity) return identity.subject
  }
  return null
}

/** Validates everything at construction so a misconfiguration fails at boot, not at the first payment. */
export function resolveOptions(options: WechatPaymentsOptions): ResolvedOptions {
  for (const name of ['mchid', 'appid', 'privateKey', 'serialNo', 'apiV3Key'] as const) {
    if (!options?.[name]) throw requiredOptionError('wechat', name)
  }
  const certificates = resolveCertificates(options.platformCertificates)
  if (!options.verifiers && !certificates) throw requiredOptionError('wechat', 'verifiers')
  const serialNo = normalizeHexSerial(options.serialNo)
  if (!serialNo) {
    throw wechatError(
      'configuration',
      '`serialNo` must be the merchant API certificate serial in hex (as `openssl x509 -noout -serial` prints it), not decimal.',
    )
  }
  const baseUrl = (options.baseUrl ?? 'https://api.mch.weixin.qq.com').replace(/\/+$/, '')
  try {
    new URL(baseUrl)
  } catch {
    throw wechatError('configuration', `\`baseUrl\` is not a URL: ${describeOptionValue(baseUrl)}.`)
  }
  return {
    id: options.id ?? 'wechat',
    mchid: options.mchid,
    appid: options.appid,
    miniProgramAppid: options.miniProgramAppid ?? null,
    appAppid: options.appAppid ?? options.appid,
    privateKey: readPrivateKey(options.privateKey),
    serialNo,
    apiV3Key: apiV3SecretKey(options.apiV3Key),
    // In certificate mode the download supplies the keys, so an empty `verifiers` is fine there.
    verifiers:
      certificates && isEmpty(options.verifiers) ? new Map() : createVerifiers(options.verifiers ?? {}),
    platformCertificates: certificates,
    baseUrl,
    fetch: options.fetch ?? globalThis.fetch,
    now: options.now ?? Date.now,
    timeout: options.timeout ?? 10_000,
    retry: options.retry ?? 2,
    userAgent: options.userAgent ?? defaultUserAgent,
    payerOpenid: options.payerOpenid ?? defaultPayerOpenid,
  }
}

function isEmpty(verifiers: WechatPaymentsOptions['verifiers']): boolean {
  return !verifiers || Object.keys(verifiers).length === 0
}

function resolveCertificates(
  input: PlatformCertificatesOptions | undefined,
): Required<PlatformCertificatesOptions> | null {
  if (input === undefined) return null
  if (!input?.storage) throw requiredOptionError('wechat', 'platformCertificates.storage')
  const resolved = {
    storage: input.storage,
    refreshIntervalMs: input.refreshIntervalMs ?? 12 * 3_600_000,
    refreshBeforeExpiryMs: input.refreshBeforeExpiryMs ?? 10 * 86_400_000,
    minIntervalMs: input.minIntervalMs ?? 60_000,
    deadlineMs: input.deadlineMs ?? 15_000,
  }
  for (const name of ['refreshIntervalMs', 'refreshBeforeExpiryMs', 'minIntervalMs', 'deadlineMs'] as const) {
    if (!Number.isSafeInteger(resolved[name]) || resolved[name] <= 0) {
      throw wechatError(
        'configuration',
        `\`platformCertificates.${name}\` must be a positive number of milliseconds, got ${describeOptionValue(resolved[name])}.`,
      )
    }
  }
  return resolved
}
