import { loopError } from '../../errors.js'
import type { QuietHours } from './types.js'

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** Minutes since local midnight at `at` in `timeZone`, and the zone's UTC offset then (ms). */
function local(at: number, timeZone: string): { minute: number; offsetMs: number } {
  const parts: Record<string, number> = {}
  for (const p of formatter(timeZone).formatToParts(at))
    if (p.type !== 'literal') parts[p.type] = Number(p.value)
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!)
  return { minute: parts.hour! * 60 + parts.minute!, offsetMs: asUtc - (at - (at % 1000)) }
}

function minutes(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm)
  if (!m) throw loopError('loop', 'configuration', `Quiet hours take \`HH:MM\` times, not \`${hhmm}\`.`)
  return Number(m[1]) * 60 + Number(m[2])
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone)
    return true
  } catch {
    return false
  }
}

/**
 * When the quiet window that `at` falls in ends, in the customer's zone — or null when `at` is not
 * quiet. Computed from the zone's offset at the end itself, so a DST change inside the window
 * moves the end with the wall clock (08:00 stays 08:00 local).
 *
 * @example
 * ```ts
 * // 23:30 in Shanghai (UTC+8), quiet 21:00–08:00 → 08:00 the next morning, Shanghai time
 * quietUntil({ at: Date.UTC(2026, 0, 1, 15, 30), timeZone: 'Asia/Shanghai', quiet: { start: '21:00', end: '08:00' } })
 * // === Date.UTC(2026, 0, 2, 0, 0)
 * ```
 */
export function quietUntil(input: { at: number; timeZone: string; quiet: QuietHours }): number | null {
  const start = minutes(input.quiet.start)
  const end = minutes(input.quiet.end)
  if (start === end) return null
  const { minute } = local(input.at, input.timeZone)
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end
  if (!inside) return null
  // Minutes from now until the local `end`, on the wall clock.
  const wait = (end - minute + 1440) % 1440
  const guess = input.at - (input.at % 60_000) + wait * 60_000
  // Correct for an offset change between now and the end (DST): land on the wall-clock `end`.
  const drift = local(guess, input.timeZone).offsetMs - local(input.at, input.timeZone).offsetMs
  const endAt = guess - drift
  return endAt > input.at ? endAt : guess
}
