import { generateKeyPair, type KeyObject, sign, verify } from 'node:crypto'

/** An RSA key pair with its PEM forms. */
export interface RsaPair {
  privateKey: KeyObject
  publicKey: KeyObject
  privateKeyPem: string
  publicKeyPem: string
}

export async function rsaPair(): Promise<RsaPair> {
  const { privateKey, publicKey } = await new Promise<{ privateKey: KeyObject; publicKey: KeyObject }>(
    (resolve, reject) =>
      generateKeyPair('rsa', { modulusLength: 2048 }, (err, publicKey, privateKey) =>
        err ? reject(err) : resolve({ privateKey, publicKey }),
      ),
  )
  return {
    privateKey,
    publicKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  }
}

/** The request string-to-sign: every parameter but `sign` and empty ones, sorted, raw `k=v` joined by `&`. */
export function requestContent(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&')
}

/** The notification string-to-sign: as a request's, without `sign_type` too. */
export function notifyContent(params: Record<string, string>): string {
  const { sign_type: _, ...rest } = params
  return requestContent(rest)
}

export function rsa2(content: string, key: KeyObject): string {
  return sign('sha256', Buffer.from(content, 'utf8'), key).toString('base64')
}

export function rsa2Verify(content: string, signature: string, key: KeyObject): boolean {
  try {
    return verify('sha256', Buffer.from(content, 'utf8'), key, Buffer.from(signature, 'base64'))
  } catch {
    return false
  }
}
