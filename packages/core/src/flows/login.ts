import { newId } from '../_internal/ids.js'
import type { Effects } from '../contracts/storage.js'
import type { Customer, IdentityProfile } from '../domain/customer.js'
import type { NewEvent } from '../domain/event.js'
import { loopError } from '../errors.js'
import { type Runtime, routeUrl } from '../loop/runtime.js'
import { parseInput, returnToPath } from '../schemas.js'
import { bindingMatches } from '../security/login-binding.js'
import {
  claimLoginState,
  completeLoginState,
  issueLoginState,
  readLoginState,
} from '../security/login-state.js'
import { resolveOnOrigin } from '../security/redirect.js'
import { verifyShareToken } from '../security/share-token.js'
import { visitorId } from './share.js'

function identityAdapter(rt: Runtime, provider: string) {
  const adapter = rt.identity.get(provider)
  if (!adapter) throw loopError('login', 'not_found', `No identity provider \`${provider}\`.`)
  return adapter
}

export const callbackPath = (provider: string) => `/login/${provider}/callback`

/**
 * Step 1: the provider's authorize URL, with a signed, expiring `state` carrying returnTo and the
 * share, bound to the browser by `binding` (the MAC of the value of the cookie set with the redirect).
 * A `returnTo` that a browser would resolve to another origin is `invalid_input`.
 */
export async function beginLogin(
  rt: Runtime,
  input: {
    provider: string
    returnTo: string
    shareToken?: string | null
    visitorKey?: string | null
    scope?: string
    binding: string
  },
): Promise<string> {
  const adapter = identityAdapter(rt, input.provider)
  const returnTo = parseInput(returnToPath, input.returnTo, 'login')
  if (!resolveOnOrigin(rt.baseUrl, returnTo)) {
    throw loopError('login', 'invalid_input', '`returnTo` must be a path on this site.')
  }
  const state = await issueLoginState({
    key: rt.keys.login,
    storage: rt.storage,
    now: rt.now(),
    state: {
      provider: input.provider,
      returnTo,
      binding: input.binding,
      shareToken:
        input.shareToken && verifyShareToken(rt.keys.share, input.shareToken) ? input.shareToken : null,
      visitorKey: input.visitorKey ?? null,
    },
  })
  return adapter.authorizeUrl({
    state,
    redirectUri: routeUrl(rt, callbackPath(input.provider)),
    ...(input.scope ? { scope: input.scope } : {}),
  })
}

export type CompleteLoginResult =
  | { kind: 'logged_in'; customer: Customer; returnTo: string; created: boolean }
  /** A repeated callback (back button, double redirect) whose first one already logged this browser in. */
  | { kind: 'already'; customerId: string; returnTo: string }
  | { kind: 'denied'; returnTo: string; reason: 'denied' | 'snapshot' }

/**
 * Step 2: the provider redirected back. Verifies the state and that this browser started the login
 * (its binding cookie; else `login_state_mismatch` and nothing changes — login CSRF, RFC 6749
 * §10.12), exchanges the code exactly once, upserts the customer (crediting the sharer of the
 * carried share), and says where to go.
 */
export async function completeLogin(
  rt: Runtime,
  input: {
    provider: string
    code: string | null
    state: string
    sessionCustomerId: string | null
    /** The value of the browser's binding cookie, if it sent one. */
    bindingCookie: string | undefined
  },
): Promise<CompleteLoginResult> {
  const now = rt.now()
  const found = await readLoginState({ key: rt.keys.login, storage: rt.storage, now, state: input.state })
  if (!found || found.state.provider !== input.provider) {
    throw loopError('login', 'expired', 'The login link is invalid or expired; start the login again.')
  }
  const { id, state } = found
  // Checked before the claim: a callback from another browser must not spend the state either.
  if (!bindingMatches(rt.keys.login, state.binding, input.bindingCookie)) {
    throw loopError(
      'login',
      'login_state_mismatch',
      'This login was started in another browser (or its cookie expired); start the login again here.',
    )
  }
  if (state.customerId !== null || !(await claimLoginState({ storage: rt.storage, id, now }))) {
    const done =
      state.customerId ??
      (await readLoginState({ key: rt.keys.login, storage: rt.storage, now, state: input.state }))?.state
        .customerId
    if (done && done === input.sessionCustomerId)
      return { kind: 'already', customerId: done, returnTo: state.returnTo }
    throw loopError('login', 'replayed', 'This login callback was already used.')
  }
  if (!input.code) return { kind: 'denied', returnTo: state.returnTo, reason: 'denied' }
  const profile = await identityAdapter(rt, input.provider).exchangeCode({
    code: input.code,
    redirectUri: routeUrl(rt, callbackPath(input.provider)),
  })
  if (profile.snapshot) return { kind: 'denied', returnTo: state.returnTo, reason: 'snapshot' }
  const result = await loginWithProfile(rt, {
    profile,
    shareToken: state.shareToken,
    visitorKey: state.visitorKey,
  })
  await completeLoginState({
    storage: rt.storage,
    id,
    state: { ...state, customerId: result.customer.id },
    now,
  })
  return { kind: 'logged_in', customer: result.customer, created: result.created, returnTo: state.returnTo }
}

/** Mini-program login: a `wx.login` code exchanged directly, no redirect. */
export async function loginWithCode(
  rt: Runtime,
  input: { provider: string; code: string; shareToken?: string | null },
): Promise<{ customer: Customer; created: boolean }> {
  const profile = await identityAdapter(rt, input.provider).exchangeCode({ code: input.code })
  if (profile.snapshot) throw loopError('login', 'forbidden', 'Snapshot visitors cannot log in.')
  return loginWithProfile(rt, { profile, shareToken: input.shareToken ?? null, visitorKey: null })
}

/** The customer with the profile's name and avatar where they have none; unchanged otherwise. */
async function fillProfile(
  rt: Runtime,
  customer: Customer,
  profile: IdentityProfile,
  now: number,
): Promise<Customer> {
  const fill = {
    ...(customer.displayName === null && profile.displayName ? { displayName: profile.displayName } : {}),
    ...(customer.avatarUrl === null && profile.avatarUrl ? { avatarUrl: profile.avatarUrl } : {}),
  }
  if (Object.keys(fill).length === 0) return customer
  return (await rt.storage.updateCustomer({ id: customer.id, ...fill, now })) ?? customer
}

/** Upserts the customer for a verified profile and links the share visit that brought them. */
export async function loginWithProfile(
  rt: Runtime,
  input: { profile: IdentityProfile; shareToken: string | null; visitorKey: string | null },
): Promise<{ customer: Customer; created: boolean }> {
  const now = rt.now()
  const shareId = input.shareToken ? verifyShareToken(rt.keys.share, input.shareToken) : null
  const share = shareId ? await rt.storage.getShare({ id: shareId }) : null
  const customerId = newId('cus')
  const loggedIn = {
    provider: input.profile.provider,
    ...(input.visitorKey ? { visitor: visitorId(rt, input.visitorKey) } : {}),
  }
  const events = [rt.event('customer.logged_in', loggedIn, { customerId })]
  let mergeEffects: Effects | null = null
  const { customer, created } = await rt.storage.upsertCustomer({
    id: customerId,
    profile: input.profile,
    referredBy: share?.customerId ?? null,
    now,
    // A unionid revealed by this login joined two customers: the event is written with the merge.
    mergeEffects: (merge) => {
      mergeEffects = { events: [rt.event('customer.merged', merge, { customerId: merge.survivorId })] }
      return mergeEffects
    },
  })
  if (mergeEffects) rt.published(mergeEffects)
  // A customer who joined without a profile (an official-account follower, known by openid only)
  // takes the name and avatar of their first login that has them; a name they have is never replaced.
  const named = created ? customer : await fillProfile(rt, customer, input.profile, now)
  // The id is only known after the upsert (an existing customer keeps theirs).
  const logged: NewEvent[] = events.map((e) => ({ ...e, customerId: customer.id }))
  if (created)
    logged.unshift(
      rt.event(
        'customer.created',
        { provider: input.profile.provider, referredBy: customer.referredBy },
        { customerId: customer.id },
      ),
    )
  await rt.storage.appendEvents({ events: logged })
  rt.published({ events: logged })
  if (input.visitorKey) {
    await rt.storage.claimVisits({ visitorKey: input.visitorKey, customerId: customer.id })
    await rt.storage.claimCampaignVisits?.({ visitorKey: input.visitorKey, customerId: customer.id })
  }
  if (share && share.customerId !== customer.id) {
    const since = now - rt.config.attributionWindowMs
    const last = await rt.storage.lastVisit({ customerId: customer.id, since })
    if (!last || last.shareId !== share.id) {
      const visit = {
        id: newId('vis'),
        shareId: share.id,
        sharerId: share.customerId,
        visitorKey: input.visitorKey ?? `customer:${customer.id}`,
        customerId: customer.id,
        at: now,
      }
      const effects = {
        events: [
          rt.event(
            'share.visited',
            { shareId: share.id, sharerId: share.customerId, via: 'login' },
            { customerId: customer.id },
          ),
        ],
      }
      await rt.storage.recordVisit({ visit, effects })
      rt.published(effects)
    }
  }
  return { customer: named, created }
}
