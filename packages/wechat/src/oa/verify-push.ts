import { decryptMessage } from './crypto.js'
import { verifyMessageSignature } from './signature.js'
import { parseWechatXml, type XmlNode, xmlText } from './xml.js'

/** The message-server modes (消息加解密方式). */
export type MessageMode = 'plaintext' | 'compatible' | 'safe'

/** Why a push was refused before anything was applied. */
export type PushRefusal =
  | 'signature_invalid'
  | 'msg_signature_invalid'
  | 'encryption_required'
  | 'decrypt_failed'
  | 'xml_invalid'

/** A verified push: its XML root, and whether it came encrypted (then the reply is encrypted too). */
export type VerifiedPush =
  | { ok: true; root: XmlNode; encrypted: boolean; timestamp: string; nonce: string }
  | { ok: false; reason: PushRefusal }

/**
 * Authenticates a POST from the message server before its content is trusted: the URL's
 * `signature` over `token, timestamp, nonce` always; in encrypted modes the body's `Encrypt`
 * under `msg_signature`, then AES decryption bound to the appid. Only the outer envelope of an
 * encrypted push is parsed before its signature is checked (the signature covers the `Encrypt`
 * text, which has to be found first), and that parse is the same hardened one.
 *
 * @example
 * ```ts
 * const verified = verifyPush({ url, body, token, appid, key, mode: 'safe' })
 * if (!verified.ok) return new Response(null, { status: 403 })
 * ```
 */
export function verifyPush(input: {
  url: URL
  body: string
  token: string
  appid: string
  key: Buffer | null
  mode: MessageMode
}): VerifiedPush {
  const q = input.url.searchParams
  const timestamp = q.get('timestamp') ?? ''
  const nonce = q.get('nonce') ?? ''
  if (!verifyMessageSignature({ values: [input.token, timestamp, nonce], signature: q.get('signature') }))
    return { ok: false, reason: 'signature_invalid' }
  const encrypted = q.get('encrypt_type') === 'aes'
  if (input.mode === 'safe' && !encrypted) return { ok: false, reason: 'encryption_required' }
  const outer = parseWechatXml(input.body)
  if (!outer) return { ok: false, reason: 'xml_invalid' }
  if (!encrypted || input.mode === 'plaintext' || !input.key)
    return input.mode === 'plaintext' || !encrypted
      ? { ok: true, root: outer, encrypted: false, timestamp, nonce }
      : { ok: false, reason: 'decrypt_failed' }
  const encrypt = xmlText(outer, 'Encrypt') ?? ''
  if (
    !verifyMessageSignature({
      values: [input.token, timestamp, nonce, encrypt],
      signature: q.get('msg_signature'),
    })
  )
    return { ok: false, reason: 'msg_signature_invalid' }
  const plain = decryptMessage({ key: input.key, appid: input.appid, encrypt })
  if (!plain.ok) return { ok: false, reason: 'decrypt_failed' }
  const root = parseWechatXml(plain.message)
  return root ? { ok: true, root, encrypted: true, timestamp, nonce } : { ok: false, reason: 'xml_invalid' }
}
