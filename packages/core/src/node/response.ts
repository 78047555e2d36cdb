import { utf8 } from '../_internal/bytes.js'
import { RESPONSE_TEXT } from './keys.js'
import type { NodeResponseLike } from './types.js'

/**
 * Writes a Web `Response` to a Node response: status, every header (each `Set-Cookie` separately)
 * and the body streamed with back-pressure. Stops reading the body when the client goes away.
 *
 * A body that ends within its first chunk (the loop's JSON answers, pages and redirects) is written
 * with its `content-length` in one `end()`: headers and body leave in one write, without chunked
 * framing. The loop's own JSON answers (`RESPONSE_TEXT`) are written from their text, unread.
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
  let cookies = false
  response.headers.forEach((value, name) => {
    if (name === 'set-cookie') cookies = true
    else headers[name] = value
  })
  if (cookies) headers['set-cookie'] = response.headers.getSetCookie()
  const text = (response as { [RESPONSE_TEXT]?: string })[RESPONSE_TEXT]
  if (text !== undefined) {
    // Ended as a string, Node sends it in the same write as the head (bytes would be a second
    // buffer of a writev).
    headers['content-length'] = String(utf8(text).byteLength)
    res.writeHead(response.status, headers)
    res.end(text)
    return
  }
  if (!response.body) {
    res.writeHead(response.status, headers)
    res.end()
    return
  }
  const reader = response.body.getReader()
  const first = await reader.read()
  // A body made from a string or bytes closes right after its one chunk; a real stream may take
  // its time, and its first chunk is not held back waiting for the next: the race ends this turn.
  const next = first.done ? null : reader.read()
  const second = next ? await Promise.race([next, endOfTurn()]) : first
  if (second?.done) {
    if (!first.done && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined)
      headers['content-length'] = String(first.value.byteLength)
    res.writeHead(response.status, headers)
    res.end(first.done ? undefined : first.value)
    return
  }
  res.writeHead(response.status, headers)
  let gone = false
  res.once('close', () => {
    if (res.writableEnded) return
    gone = true
    reader.cancel().catch(() => {})
  })
  try {
    let chunk = first
    let pending = next
    for (;;) {
      if (chunk.done || gone || !(await write(res, chunk.value, () => gone))) break
      chunk = await (pending ?? reader.read())
      pending = null
    }
  } finally {
    if (!gone) res.end()
  }
}

const endOfTurn = () => new Promise<null>((resolve) => setImmediate(resolve, null))

/** Writes one chunk, waiting for `drain` under back-pressure; false once the client is gone. */
async function write(res: NodeResponseLike, chunk: Uint8Array, gone: () => boolean): Promise<boolean> {
  if (gone()) return false
  if (!res.write(chunk))
    await new Promise<void>((resolve) => {
      res.once('drain', resolve)
      res.once('close', resolve)
    })
  return !gone()
}
