const BEIJING_OFFSET_MS = 8 * 3_600_000

/** `yyyy-MM-dd HH:mm:ss` in Beijing time (UTC+8, no DST): Alipay's `timestamp` and `time_expire`. */
export function beijingTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000 + BEIJING_OFFSET_MS)
    .toISOString()
    .slice(0, 19)
    .replace('T', ' ')
}

/** Parses Alipay's `yyyy-MM-dd HH:mm:ss` (Beijing time) to epoch ms; null when absent or malformed. */
export function parseBeijingTime(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return null
  const ms = Date.parse(`${value.replace(' ', 'T')}+08:00`)
  return Number.isNaN(ms) ? null : ms
}
