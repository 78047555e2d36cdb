import { randomInt } from 'node:crypto'
import { aesKey, cdata, decrypt, encrypt, field, sign } from './crypto.js'
import type { OaState } from './state.js'

/** What WeChat shows a user when the server answered late or with something that is not a reply. */
export const UNAVAILABLE_NOTICE = '该公众号暂时无法提供服务，请稍后再试'

/** The outcome of one push: how many deliveries it took and what the loop answered. */
export interface OaPushResult {
  /** HTTP statuses per attempt (`0` = no answer within the deadline). */
  attempts: number[]
  /** The passive reply, decrypted, when the loop sent one. */
  reply: { xml: string; msgType: string | null; content: string | null } | null
  /** The system notice the user saw, or null. */
  notice: string | null
}

/** A signed (and, in encrypted modes, encrypted) push request: exactly what WeChat would POST. */
export interface SignedPush {
  url: string
  body: string
  timestamp: string
  nonce: string
}

/** Builds the request WeChat sends for `xml` under the configured server settings. */
export function signPush(state: OaState, xml: string, openid: string): SignedPush {
  const server = state.server
  if (!server)
    throw new Error(
      '[loopkit] [testing] Configure the message server first: sim.oa.configure({ url, token, mode }).',
    )
  const timestamp = String(Math.floor(state.now() / 1000))
  const nonce = String(randomInt(100_000_000, 2_000_000_000))
  const q = new URLSearchParams({
    signature: sign([server.token, timestamp, nonce]),
    timestamp,
    nonce,
    openid,
  })
  let body = xml
  if (server.mode !== 'plaintext') {
    const encrypted = encrypt(aesKey(server.encodingAesKey ?? ''), state.appid, xml)
    q.set('encrypt_type', 'aes')
    q.set('msg_signature', sign([server.token, timestamp, nonce, encrypted]))
    const envelope = `<Encrypt>${cdata(encrypted)}</Encrypt>`
    body =
      server.mode === 'safe'
        ? `<xml><ToUserName>${cdata(state.account)}</ToUserName>${envelope}</xml>`
        : xml.replace(/<\/xml>\s*$/, `${envelope}</xml>`)
  }
  return { url: `${server.url}?${q}`, body, timestamp, nonce }
}

function readReply(state: OaState, text: string, openid: string): OaPushResult['reply'] | 'bad' {
  let xml = text
  const server = state.server!
  const encrypted = field(text, 'Encrypt')
  if (server.mode !== 'plaintext' && encrypted !== null) {
    const ts = field(text, 'TimeStamp') ?? ''
    const nonce = field(text, 'Nonce') ?? ''
    if (field(text, 'MsgSignature') !== sign([server.token, ts, nonce, encrypted])) return 'bad'
    const plain = decrypt(aesKey(server.encodingAesKey ?? ''), state.appid, encrypted)
    if (plain === null) return 'bad'
    xml = plain
  }
  if (!xml.trimStart().startsWith('<xml>')) return 'bad'
  // A reply goes to the sender and comes from the account (reference §4).
  if (field(xml, 'ToUserName') !== openid || field(xml, 'FromUserName') !== state.account) return 'bad'
  return { xml, msgType: field(xml, 'MsgType'), content: field(xml, 'Content') }
}

/**
 * Delivers a push like WeChat: POST, 5 s (configurable) to answer, then up to three more tries.
 * `success` or an empty body acknowledge; a valid passive reply is decrypted and checked; anything
 * else shows the user the "unavailable" notice.
 */
export async function deliverPush(state: OaState, xml: string, openid: string): Promise<OaPushResult> {
  const attempts: number[] = []
  for (let attempt = 0; attempt <= state.retries; attempt++) {
    const push = signPush(state, xml, openid)
    let response: Response
    try {
      response = await fetch(push.url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: push.body,
        signal: AbortSignal.timeout(state.replyTimeoutMs),
      })
    } catch {
      attempts.push(0)
      continue
    }
    attempts.push(response.status)
    const text = await response.text()
    if (response.status !== 200) continue
    if (text === '' || text === 'success') return { attempts, reply: null, notice: null }
    const reply = readReply(state, text, openid)
    if (reply === 'bad') return { attempts, reply: null, notice: UNAVAILABLE_NOTICE }
    if (reply)
      state.delivered.push({
        kind: 'reply',
        openid,
        user: state.followers.get(openid)?.user ?? '',
        content: reply.content ?? '',
        msgId: null,
        at: state.now(),
      })
    return { attempts, reply, notice: null }
  }
  return { attempts, reply: null, notice: UNAVAILABLE_NOTICE }
}

/** The XML of a push from `openid`: the common header and the given fields, in order. */
export function pushXml(
  state: OaState,
  openid: string,
  fields: Array<[string, string | number]>,
  extra = '',
): string {
  const head: Array<[string, string | number]> = [
    ['ToUserName', state.account],
    ['FromUserName', openid],
    ['CreateTime', Math.floor(state.now() / 1000)],
  ]
  const body = [...head, ...fields]
    .map(([k, v]) => `<${k}>${typeof v === 'number' ? v : cdata(v)}</${k}>`)
    .join('')
  return `<xml>${body}${extra}</xml>`
}
