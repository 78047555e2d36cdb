import { isLoopError } from '../errors.js'
import { SERVE } from './keys.js'
import { NodeRequest } from './node-request.js'
import { hasSmallBody, methodOf, originOf, readSmallBody, toWebRequest, urlOf } from './request.js'
import { writeNodeResponse } from './response.js'
import type { NodeBridgeOptions, NodeRequestLike, NodeResponseLike, WebHandler } from './types.js'

/**
 * A Node `(req, res)` listener for a Web handler such as `loop.fetch`: the one line that mounts
 * the loop in `node:http`, Express or Fastify. Pass the loop's `baseUrl` as `origin` so the loop
 * sees the URL the browser used even when a proxy rewrites the `Host` header.
 *
 * For `loop.fetch` itself, requests with a small declared body (or none) reach the loop without a
 * standard `Request` being built (see `NodeRequest`: what your `session.resolve` and other callbacks
 * receive then is a `Request` read from Node's, and `request.clone()` is a standard one), and the
 * loop's JSON answers are written without a `Response` stream. Any other handler gets standard ones.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { toNodeListener } from '@loopkit/core/node'
 *
 * createServer(toNodeListener(loop.fetch, { origin: baseUrl })).listen(3000)
 * // Express 5 (before any body parser):
 * app.use('/loop', toNodeListener(loop.fetch, { origin: baseUrl }))
 * ```
 */
export function toNodeListener(
  handler: WebHandler,
  options: Omit<NodeBridgeOptions, 'signal'> = {},
): (req: NodeRequestLike, res: NodeResponseLike) => Promise<void> {
  const serve = (handler as { [SERVE]?: WebHandler })[SERVE]
  const origin = options.origin ? new URL(options.origin).origin : undefined
  return async (req, res) => {
    let response: Response
    try {
      const small = hasSmallBody(req)
      const body = small ? await readSmallBody(req) : null
      // GET and HEAD have no body; others with no declared length stream theirs (chunked).
      if (serve && (small || req.method === 'GET' || req.method === 'HEAD')) {
        const request = new NodeRequest({
          node: req,
          method: methodOf(req),
          url: urlOf(req, origin ?? originOf(req, options)).href,
          bytes: small ? body : null,
          signal: signalOnClose(res),
        })
        response = await serve(request as unknown as Request)
      } else {
        const request = toWebRequest(req, options, body)
        const signal = signalOnClose(res)
        Object.defineProperty(request, 'signal', { configurable: true, get: signal })
        response = await handler(request)
      }
    } catch (error) {
      // The loop answers its own errors; this is a bridge misconfiguration or a handler bug.
      response = Response.json(
        {
          error: isLoopError(error)
            ? { code: error.code, message: error.message }
            : { code: 'internal', message: 'Internal error.' },
        },
        { status: 500 },
      )
    }
    if (res.headersSent) {
      res.destroy()
      return
    }
    await writeNodeResponse(res, response)
  }
}

/**
 * The request's `signal`: it aborts when the client goes away before the response ends. Made on
 * first use: handlers that never look at it (the loop's own routes) do not pay for an
 * AbortController on every request.
 */
function signalOnClose(res: NodeResponseLike): () => AbortSignal {
  let controller: AbortController | null = null
  let gone = false
  res.once('close', () => {
    if (res.writableEnded) return
    gone = true
    controller?.abort()
  })
  return () => {
    if (!controller) {
      controller = new AbortController()
      if (gone) controller.abort()
    }
    return controller.signal
  }
}
