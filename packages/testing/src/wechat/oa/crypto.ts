import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

// The simulator's own implementation of the message-server crypto (reference §1.3, §2.4): kept
// apart from @loopkit/wechat so the adapter is tested against an independent one.

export const sign = (values: string[]): string =>
  createHash('sha1')
    .update([...values].sort().join(''))
    .digest('hex')

export const aesKey = (encodingAesKey: string): Buffer => Buffer.from(`${encodingAesKey}=`, 'base64')

/** Like WeChat's servers: 16 random lowercase-hex characters lead the plaintext. */
export function encrypt(key: Buffer, appid: string, message: string): string {
  const msg = Buffer.from(message, 'utf8')
  const len = Buffer.alloc(4)
  len.writeUInt32BE(msg.length)
  const full = Buffer.concat([Buffer.from(randomBytes(8).toString('hex')), len, msg, Buffer.from(appid)])
  const pad = 32 - (full.length % 32)
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false)
  return Buffer.concat([
    cipher.update(Buffer.concat([full, Buffer.alloc(pad, pad)])),
    cipher.final(),
  ]).toString('base64')
}

/** The message, or null when it does not decrypt to a message for `appid`. */
export function decrypt(key: Buffer, appid: string, text: string): string | null {
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false)
    const plain = Buffer.concat([decipher.update(Buffer.from(text, 'base64')), decipher.final()])
    const pad = plain[plain.length - 1] ?? 0
    if (pad < 1 || pad > 32) return null
    const full = plain.subarray(0, plain.length - pad)
    const len = full.readUInt32BE(16)
    if (full.subarray(20 + len).toString() !== appid) return null
    return full.subarray(20, 20 + len).toString('utf8')
  } catch {
    return null
  }
}

/** Text as CDATA, `]]>` split. */
export const cdata = (text: string) => `<![CDATA[${text.split(']]>').join(']]]]><![CDATA[>')}]]>`

/** The text of a flat element (CDATA or plain) in a WeChat XML document, or null. */
export function field(xml: string, name: string): string | null {
  const m = new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`).exec(xml)
  return m ? (m[1] ?? m[2] ?? '') : null
}
