import { randomBase62 } from '../_internal/ids.js'
import { macHex, safeEqual } from '../_internal/sign.js'
import type { StorageAdapter } from '../contracts/storage.js'

/** What a login carries through the provider's redirect. */
export interface LoginState {
  provider: string
  returnTo: string
  shareToken: string | null
  visitorKey: string | null
  /**
   * The MAC of the browser binding cookie set when the login started; the callback must present
   * the cookie. `null` only in states issued before binding existed, which the callback refuses.
   */
  binding: string | null
  /** Set once the code has been exchanged: a repeated callback then only finds the session. */
  customerId: string | null
}

const TTL_MS = 10 * 60 * 1000

function stateMac(key: string, id: string): string {
  return macHex(key, `login:${id}`).slice(0, 16)
}

/**
 * The `state` is 24 random base62 characters plus 16 hex characters of their HMAC: 40 characters of
 * `[A-Za-z0-9]`, as WeChat requires (≤ 128). What it carries (returnTo, share token) is kept in
 * the loop's storage for ten minutes, so nothing in the URL can be edited.
 */
export async function issueLoginState(input: {
  key: string
  storage: StorageAdapter
  now: number
  state: Omit<LoginState, 'customerId'>
}): Promise<string> {
  const id = randomBase62(24)
  await input.storage.cacheSet({
    key: `login-state:${id}`,
    value: JSON.stringify({ ...input.state, customerId: null }),
    ttlMs: TTL_MS,
    now: input.now,
  })
  return id + stateMac(input.key, id)
}

/** The state behind a genuine, unexpired `state`, or null. */
export async function readLoginState(input: {
  key: string
  storage: StorageAdapter
  now: number
  state: string
}): Promise<{ id: string; state: LoginState } | null> {
  const m = /^([0-9A-Za-z]{24})([0-9a-f]{16})$/.exec(input.state)
  if (!m || !safeEqual(m[2]!, stateMac(input.key, m[1]!))) return null
  const raw = await input.storage.cacheGet({ key: `login-state:${m[1]}`, now: input.now })
  return raw ? { id: m[1]!, state: JSON.parse(raw) as LoginState } : null
}

/**
 * Marks the state used by a customer. Returns false when another callback already claimed it
 * (the claim is a set-if-absent, so two racing callbacks cannot both exchange the code).
 */
export async function claimLoginState(input: {
  storage: StorageAdapter
  id: string
  now: number
}): Promise<boolean> {
  const { stored } = await input.storage.cacheSet({
    key: `login-state-claim:${input.id}`,
    value: '1',
    ttlMs: TTL_MS,
    now: input.now,
    ifAbsent: true,
  })
  return stored
}

export async function completeLoginState(input: {
  storage: StorageAdapter
  id: string
  state: LoginState
  now: number
}): Promise<void> {
  await input.storage.cacheSet({
    key: `login-state:${input.id}`,
    value: JSON.stringify(input.state),
    ttlMs: TTL_MS,
    now: input.now,
  })
}
