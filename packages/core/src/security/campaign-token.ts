import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../_internal/bytes.js'
import { mac, safeEqual } from '../_internal/sign.js'

const MAC_LENGTH = 22
/** The longest `to` a link carries (characters of the URL or path, before encoding). */
export const MAX_LINK_TARGET = 1024
const ID = /^[A-Za-z0-9_-]{1,64}$/
const B64 = /^[A-Za-z0-9_-]+$/

/**
 * A campaign link token: `<campaignId>.<mac>`, or `<campaignId>.<to, base64url>.<mac>` when the link
 * leads somewhere of its own. The MAC is the first 22 characters (132 bits) of the base64url
 * HMAC-SHA256 of everything before it, under the campaign key (derived from the loop secret, apart
 * from the share key), so neither the campaign nor the destination can be edited or forged.
 */
export function campaignToken(key: string, campaignId: string, to: string | null): string {
  const body = to === null ? campaignId : `${campaignId}.${toBase64Url(utf8(to))}`
  return `${body}.${mac(key, `campaign:${body}`, MAC_LENGTH)}`
}

/** The campaign id and destination of a genuine token, or null (forged, edited, truncated). */
export function verifyCampaignToken(
  key: string,
  token: string,
): { campaignId: string; to: string | null } | null {
  const parts = token.split('.')
  if (parts.length < 2 || parts.length > 3 || token.length > 64 + 2 * MAX_LINK_TARGET) return null
  const [id, encoded] = parts
  if (!ID.test(id!) || (parts.length === 3 && !B64.test(encoded!))) return null
  const body = parts.slice(0, -1).join('.')
  if (!safeEqual(parts.at(-1)!, mac(key, `campaign:${body}`, MAC_LENGTH))) return null
  return { campaignId: id!, to: parts.length === 3 ? fromUtf8(fromBase64Url(encoded!)) : null }
}
