import { isLoopError, type LoopError } from '@loopkit/core'
import ky, { HTTPError, TimeoutError } from 'ky'
import { alipayError } from '../_internal/errors.js'
import { mapAlipayError } from './error-map.js'
import type { ResolvedOptions } from './options.js'
import { signRequestParams } from './sign-request.js'
import { beijingTime } from './time.js'
import { verifyAlipayResponse } from './verify-response.js'

/** One OpenAPI call: the method, its `biz_content`, and whether it may be sent twice. */
export interface GatewayCall {
  method: string
  bizContent: Record<string, unknown>
  notifyUrl?: string
  returnUrl?: string
  /**
   * Sending the same request again has no further effect (query, close, refund query, and a refund
   * with the same `out_request_no`), so timeouts and 5xx may be retried.
   */
  repeatable?: boolean
}

/** The common parameters of a request, signed: what goes to the gateway as a form or query string. */
export function signedParams(options: ResolvedOptions, call: GatewayCall): Record<string, string> {
  const params: Record<string, string | undefined> = {
    app_id: options.appId,
    method: call.method,
    format: 'JSON',
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: beijingTime(options.now()),
    version: '1.0',
    app_cert_sn: options.appCertSn ?? undefined,
    alipay_root_cert_sn: options.alipayRootCertSn ?? undefined,
    notify_url: call.notifyUrl,
    return_url: call.returnUrl,
    // Serialized once: the signature covers exactly this string and the same string is sent.
    biz_content: JSON.stringify(call.bizContent),
  }
  const defined = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >
  return signRequestParams({ params: defined, privateKey: options.privateKey })
}

export type GatewayClient = (call: GatewayCall) => Promise<Record<string, unknown>>

/**
 * The adapter's HTTP client: signs the request, posts it as a form, verifies the answer's signature
 * on its raw text, and returns the `<method>_response` payload of a `10000` answer; anything else is
 * a mapped `LoopError`. Only repeatable calls are retried.
 */
export function createGatewayClient(options: ResolvedOptions): GatewayClient {
  return async (call) => {
    const body = new URLSearchParams(signedParams(options, call)).toString()
    let text: string
    try {
      const response = await ky.post(options.gateway, {
        body,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8' },
        searchParams: { charset: 'utf-8' },
        fetch: options.fetch,
        timeout: options.timeout,
        retry: {
          limit: call.repeatable ? options.retry : 0,
          methods: ['post'],
          statusCodes: [408, 500, 502, 503, 504],
          retryOnTimeout: true,
        },
      })
      text = await response.text()
    } catch (error) {
      throw toLoopError(error)
    }
    const { payload, alipayCertSn } = verifyAlipayResponse({
      text,
      method: call.method,
      publicKey: options.alipayPublicKey,
    })
    if (options.alipayCertSn && alipayCertSn && alipayCertSn !== options.alipayCertSn) {
      throw alipayError(
        'signature_invalid',
        'Alipay signed with a certificate other than the configured `certs.alipayCert`; download the new one.',
      )
    }
    if (payload.code !== '10000') throw mapAlipayError(payload)
    return payload
  }
}

function toLoopError(error: unknown): LoopError {
  if (isLoopError(error)) return error
  if (error instanceof HTTPError) {
    const status = error.response.status
    return alipayError(
      status >= 500 ? 'provider_unavailable' : 'provider_error',
      `Alipay's gateway answered HTTP ${status}.`,
      {
        retryable: status >= 500,
      },
    )
  }
  if (error instanceof TimeoutError)
    return alipayError('provider_unavailable', 'Alipay did not answer in time.', {
      retryable: true,
      cause: error,
    })
  return alipayError(
    'provider_unavailable',
    `Could not reach Alipay: ${(error as Error)?.message ?? String(error)}`,
    { retryable: true, cause: error },
  )
}
