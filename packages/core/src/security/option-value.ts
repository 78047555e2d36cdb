/** Values shorter than this are shown whole: too short to be a key, and the whole value helps. */
const SHOWN_WHOLE_BELOW = 8
/** How much of a longer value a message may show (the rule: at most 4 characters). */
const SHOWN_PREFIX = 4

/**
 * Describes an option's value for a configuration error without leaking it. A secret pasted into
 * the wrong option (an APIv3 key as a `verifiers` serial, an AppSecret as a scope) must not reach
 * logs through the error that reports the mistake, so any value of 8 characters or more is shown
 * as its first 4 characters and its length only. Every option check in Loopkit that echoes a value
 * goes through this one function.
 *
 * @example
 * ```ts
 * describeOptionValue('a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6') // '`a1b2…` (32 characters)'
 * describeOptionValue('base') // '`base`'
 * throw loopError('pager', 'configuration', `Unknown region ${describeOptionValue(options.region)}.`)
 * ```
 */
export function describeOptionValue(value: unknown): string {
  if (typeof value !== 'string') return `a ${value === null ? 'null' : typeof value}`
  const chars = [...value]
  // Control characters would let a value forge log lines; they are shown as `?`.
  const clean = (s: string) => s.replace(/[\p{Cc}\p{Cf}]/gu, '?')
  if (chars.length < SHOWN_WHOLE_BELOW) return `\`${clean(value)}\``
  return `\`${clean(chars.slice(0, SHOWN_PREFIX).join(''))}…\` (${chars.length} characters)`
}
