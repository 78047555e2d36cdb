import type { NodeResponseLike } from './types.js'

/**
 * Writes a Web `Response` to a Node response: status, every header (each `Set-Cookie` separately)
 * and the body streamed with back-pressure. Stops reading the body when the client goes away.
 *
 * @example
 * ```ts
 * import { writeNodeResponse } from '@loopkit/core/node'
 *
 * server.on('request', async (req, res) => writeNodeResponse(res, await loop.fetch(toWebRequest(req))))
 * ```
 */
export async function writeNodeResponse(res: NodeResponseLike, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  res.writeHead(response.status, headers)
  if (!response.body) {
    res.end()
    return
  }
  const reader = response.body.getReader()
  let gone = false
  res.once('close', () => {
    if (res.writableEnded) return
    gone = true
    reader.cancel().catch(() => {})
  })
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done || gone) break
      if (!res.write(value))
        await new Promise<void>((resolve) => {
          res.once('drain', resolve)
          res.once('close', resolve)
        })
    }
  } finally {
    if (!gone) res.end()
  }
}
