import { standIn } from './delegate.js'
import type { NodeRequestLike } from './types.js'

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const STANDARD = Symbol('standard')

/**
 * A request's `Headers` read from the object Node's parser already built (names lower-cased,
 * repeats joined): `get` and `has` look a name up there, and anything else — iterating, changing,
 * an invalid name — goes to a standard `Headers` made from the same pairs on first use (from then on
 * it is the only one). A standard one validates and copies every header of every request, where the
 * loop reads three or four by name.
 */
export class NodeHeaders {
  #node: NodeRequestLike['headers']
  #standard: Headers | undefined

  constructor(node: NodeRequestLike['headers']) {
    this.#node = node
  }

  get(name: string): string | null {
    if (this.#standard || !TOKEN.test(name)) return this[STANDARD]().get(name)
    const value = this.#node[name.toLowerCase()]
    return value === undefined ? null : typeof value === 'string' ? value : value.join(', ')
  }

  has(name: string): boolean {
    return this.get(name) !== null
  }

  [STANDARD](): Headers {
    this.#standard ??= new Headers(headerPairs(this.#node))
    return this.#standard
  }
}

// Iterating, `set`, `append`, `delete`, `getSetCookie`: the standard `Headers`' own.
standIn(NodeHeaders.prototype, Headers.prototype, STANDARD)

/**
 * Node's headers as name/value pairs, without HTTP/2 pseudo-headers: what a standard `Headers` or
 * `Request` is made from (it copies them once, where an intermediate `Headers` would be filled and
 * then copied again).
 */
export function headerPairs(headers: NodeRequestLike['headers']): [string, string][] {
  const pairs: [string, string][] = []
  for (const name in headers) {
    const value = headers[name]
    if (value === undefined || name.startsWith(':')) continue
    if (typeof value === 'string') pairs.push([name, value])
    else for (const v of value) pairs.push([name, v])
  }
  return pairs
}
