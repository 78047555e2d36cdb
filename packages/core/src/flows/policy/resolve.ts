import { loopError } from '../../errors.js'
import { isTimeZone, quietUntil } from './quiet-hours.js'
import type { NotificationPolicy } from './types.js'

const bad = (message: string) => loopError('loop', 'configuration', `[policy] ${message}`)

/**
 * Checks the policy once, at `createLoop`, so a typo fails at boot rather than silently sending
 * (or not sending) messages: chains name configured channels, caps are positive integers, quiet
 * hours parse, the default zone exists.
 */
export function resolvePolicy(
  policy: NotificationPolicy | undefined,
  channelIds: readonly string[],
): NotificationPolicy {
  if (!policy) return {}
  for (const [topic, rules] of Object.entries(policy.topics ?? {})) {
    if (!rules.chain) continue
    if (rules.chain.length === 0) throw bad(`The chain of \`${topic}\` names no channel.`)
    for (const id of rules.chain)
      if (!channelIds.includes(id))
        throw bad(`The chain of \`${topic}\` names \`${id}\`, which is not a messaging adapter.`)
  }
  for (const [name, rules] of Object.entries(policy.classes ?? {})) {
    for (const cap of rules.caps ?? [])
      if (
        !Number.isSafeInteger(cap.max) ||
        cap.max < 0 ||
        !Number.isSafeInteger(cap.windowMs) ||
        cap.windowMs <= 0
      )
        throw bad(`A cap of \`${name}\` needs an integer \`max\` ≥ 0 and \`windowMs\` > 0.`)
    // Parses the times (throws on a bad one).
    if (rules.quietHours) quietUntil({ at: 0, timeZone: 'UTC', quiet: rules.quietHours })
  }
  if (policy.defaultTimeZone && !isTimeZone(policy.defaultTimeZone))
    throw bad(`\`${policy.defaultTimeZone}\` is not a time zone.`)
  return policy
}
