import { isLoopError } from '../errors.js'
import { readSmallBody, toWebRequest } from './request.js'
import { writeNodeResponse } from './response.js'
import type { NodeBridgeOptions, NodeRequestLike, NodeResponseLike, WebHandler } from './types.js'

/**
 * A Node `(req, res)` listener for a Web handler such as `loop.fetch`: the one line that mounts
 * the loop in `node:http`, Express or Fastify. Pass the loop's `baseUrl` as `origin` so the loop
 * sees the URL the browser used even when a proxy rewrites the `Host` header.
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
  return async (req, res) => {
    let response: Response
    try {
      const request = toWebRequest(req, options, await readSmallBody(req))
      abortOnClose(request, res)
      response = await handler(request)
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
 * Gives `request` a `signal` that aborts when the client goes away before the response ends. The
 * signal is made on first use: handlers that never look at it (the loop's own routes) do not pay
 * for an AbortController and its link into the request's own signal on every request.
 */
function abortOnClose(request: Request, res: NodeResponseLike): void {
  let controller: AbortController | null = null
  let gone = false
  res.once('close', () => {
    if (res.writableEnded) return
    gone = true
    controller?.abort()
  })
  Object.defineProperty(request, 'signal', {
    configurable: true,
    get() {
      if (!controller) {
        controller = new AbortController()
        if (gone) controller.abort()
      }
      return controller.signal
    },
  })
}
