import type { LoopError } from '@loopkit/core'
import { isLoopError } from '@loopkit/core'
import ky, { HTTPError, TimeoutError } from 'ky'
import { wechatError } from '../_internal/errors.js'
import { randomNonce, unixSeconds } from '../_internal/nonce.js'
import { mapWechatPayError } from './error-map.js'
import type { ResolvedOptions } from './options.js'
import { authorizationHeader, canonicalUrl, signRequest } from './sign-request.js'
import type { MessageVerifier } from './verify-message.js'

export interface PayRequest {
  method: 'GET' | 'POST'
  /** Path with already-encoded segments, e.g. `/v3/pay/transactions/out-trade-no/123`. */
  path: string
  query?: Record<string, string>
  json?: unknown
  /**
   * The same request may be sent again with the same body (WeChat documents this for prepay with the
   * original parameters, close, and refunds with the same `out_refund_no`). GETs always are.
   */
  repeatable?: boolean
  /** Aborts the request, retries included (the deadline of background calls). */
  signal?: AbortSignal
  /**
   * Checks the answer's signature instead of the adapter's verifier (`/v3/certificates` verifies
   * with the certificates it carries at first start). Throwing refuses the answer as forged.
   */
  verify?: (input: { headers: Headers; body: Uint8Array }) => unknown
}

export interface PayResponse<T> {
  status: number
  /** Parsed JSON, or `null` for an empty body (`204`). */
  data: T | null
}

export type PayClient = <T>(request: PayRequest) => Promise<PayResponse<T>>

/**
 * The signed, verified HTTP client of the adapter: signs each attempt on the exact bytes and URL sent,
 * retries only repeatable requests, and treats a 2xx without a valid WeChat Pay signature as forged.
 */
export function createPayClient(options: ResolvedOptions, verifyResponse: MessageVerifier): PayClient {
  return async <T>(req: PayRequest): Promise<PayResponse<T>> => {
    const url = new URL(`${options.baseUrl}${req.path}`)
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v)
    // Serialize once: the signature covers exactly these bytes and the same string goes on the wire.
    const body = req.json === undefined ? '' : JSON.stringify(req.json)
    const repeatable = req.method === 'GET' || req.repeatable === true
    let response: Response
    try {
      response = await ky(url, {
        method: req.method,
        ...(body ? { body } : {}),
        headers: {
          Accept: 'application/json',
          ...(body ? { 'Content-Type': 'application/json' } : {}),
          'User-Agent': options.userAgent,
        },
        fetch: options.fetch,
        ...(req.signal ? { signal: req.signal } : {}),
        timeout: options.timeout,
        retry: {
          limit: repeatable ? options.retry : 0,
          methods: ['get', 'post'],
          statusCodes: [408, 500, 502, 503, 504],
          retryOnTimeout: true,
        },
        hooks: {
          // Runs before every attempt, so a retry gets a fresh timestamp and nonce.
          beforeRequest: [
            (request) => {
              const timestamp = unixSeconds(options.now())
              const nonce = randomNonce()
              const signature = signRequest({
                privateKey: options.privateKey,
                method: request.method,
                url: canonicalUrl(request.url),
                timestamp,
                nonce,
                body,
              })
              request.headers.set(
                'Authorization',
                authorizationHeader({
                  mchid: options.mchid,
                  nonce,
                  timestamp,
                  serialNo: options.serialNo,
                  signature,
                }),
              )
            },
          ],
        },
      })
    } catch (error) {
      throw await toLoopError(error)
    }
    const bytes = new Uint8Array(await response.arrayBuffer())
    try {
      await (req.verify ?? verifyResponse)({ headers: response.headers, body: bytes })
    } catch (e) {
      // Not having the keys yet (certificates still downloading) is no verdict on this answer.
      if (isLoopError(e) && e.code !== 'signature_invalid' && e.code !== 'timestamp_out_of_window') throw e
      const reason = isLoopError(e) ? e.message.replace(/^\[loopkit\] \[wechat\] /, '') : String(e)
      throw wechatError(
        'signature_invalid',
        `A ${response.status} response from WeChat Pay failed verification and is treated as forged: ${reason}`,
        {
          cause: e,
        },
      )
    }
    if (bytes.length === 0) return { status: response.status, data: null }
    try {
      return { status: response.status, data: JSON.parse(Buffer.from(bytes).toString('utf8')) as T }
    } catch (e) {
      throw wechatError(
        'provider_error',
        `WeChat Pay answered ${response.status} with a body that is not JSON.`,
        { cause: e },
      )
    }
  }
}

async function toLoopError(error: unknown): Promise<LoopError> {
  if (error instanceof HTTPError) {
    let vendor: { code?: string; message?: string } = {}
    try {
      vendor = JSON.parse(await error.response.text()) as typeof vendor
    } catch {
      // An error page that is not JSON: the status alone decides.
    }
    return mapWechatPayError({
      status: error.response.status,
      code: vendor?.code ?? null,
      message: vendor?.message ?? null,
    })
  }
  if (isLoopError(error)) return error
  if (error instanceof TimeoutError) {
    return wechatError('provider_unavailable', 'WeChat Pay did not answer in time.', {
      retryable: true,
      cause: error,
    })
  }
  return wechatError(
    'provider_unavailable',
    `Could not reach WeChat Pay: ${(error as Error)?.message ?? String(error)}`,
    {
      retryable: true,
      cause: error,
    },
  )
}
