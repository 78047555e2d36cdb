import { randomBase62 } from '../_internal/ids.js'
import { mac, safeEqual } from '../_internal/sign.js'

const ID_LENGTH = 12
const MAC_LENGTH = 16

/** A new share id: 12 base62 characters (~71 bits). */
export function newShareId(): string {
  return randomBase62(ID_LENGTH)
}

/**
 * The share token is the share id plus 16 characters of its HMAC: 28 characters of
 * `[0-9A-Za-z_-]`, short enough for a mini-program `scene` (32), and neither forgeable nor editable.
 */
export function shareToken(key: string, shareId: string): string {
  return shareId + mac(key, `share:${shareId}`, MAC_LENGTH)
}

/** The share id of a genuine token, or null. */
export function verifyShareToken(key: string, token: string): string | null {
  if (token.length !== ID_LENGTH + MAC_LENGTH || !/^[0-9A-Za-z_-]+$/.test(token)) return null
  const id = token.slice(0, ID_LENGTH)
  return safeEqual(token, shareToken(key, id)) ? id : null
}
