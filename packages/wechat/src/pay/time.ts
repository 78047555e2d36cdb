/**
 * RFC 3339 in China Standard Time, the form WeChat Pay uses for `time_expire`:
 * `2018-06-08T10:34:56+08:00` (no milliseconds; `20220421191948` is a classic PARAM_ERROR).
 */
export function rfc3339China(ms: number): string {
  const shifted = new Date(Math.floor(ms / 1000) * 1000 + 8 * 3_600_000)
  return `${shifted.toISOString().slice(0, 19)}+08:00`
}

/** Milliseconds from an RFC 3339 time, or null. */
export function parseTime(value: string | undefined | null): number | null {
  if (!value) return null
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? null : ms
}
