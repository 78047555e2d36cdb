import { loopError } from '../../errors.js'

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone)
  if (!f) {
    try {
      // en-CA formats dates as YYYY-MM-DD.
      f = new Intl.DateTimeFormat('en-CA', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      })
    } catch (cause) {
      throw loopError('analytics', 'configuration', `Unknown analytics time zone \`${zone}\`.`, { cause })
    }
    formatters.set(zone, f)
  }
  return f
}

/** Throws `configuration` for a time zone the runtime does not know. */
export function checkZone(zone: string): void {
  formatter(zone)
}

const QUARTER_HOUR = 900_000
const days = new Map<string, Map<number, string>>()

/**
 * The calendar day (`YYYY-MM-DD`) of `at` in `zone`. Every zone's offset since 1972 is a whole
 * number of quarter hours, so a day changes only on a quarter hour: the day is remembered per quarter hour
 * (formatting a date is most of a fold's time per event otherwise).
 */
export function dayOf(at: number, zone: string): string {
  let cache = days.get(zone)
  if (!cache) {
    cache = new Map()
    days.set(zone, cache)
  }
  const quarter = Math.floor(at / QUARTER_HOUR)
  let day = cache.get(quarter)
  if (day === undefined) {
    day = formatter(zone).format(new Date(at))
    if (cache.size >= 4096) cache.clear()
    cache.set(quarter, day)
  }
  return day
}

/** The month (`YYYY-MM`) of `at` in `zone`. */
export function monthOf(at: number, zone: string): string {
  return dayOf(at, zone).slice(0, 7)
}

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** Checks a `YYYY-MM-DD` given by a caller (`invalid_input` otherwise). */
export function checkDay(day: string, what: string): string {
  if (typeof day !== 'string' || !DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)))
    throw loopError('analytics', 'invalid_input', `\`${what}\` must be a day as YYYY-MM-DD.`)
  return day
}

/** Every day from `from` to `to` inclusive (both `YYYY-MM-DD`). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = []
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10))
  return out
}
