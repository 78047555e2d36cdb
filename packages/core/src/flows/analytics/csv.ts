/**
 * Quotes one CSV cell. A cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
 * `@`, a tab or a carriage return — CSV injection) is prefixed with `'` so it stays text; numbers
 * are written as numbers, so a negative amount is still a number.
 *
 * @example
 * ```ts
 * csvCell('=SUM(A1:A9)') // `"'=SUM(A1:A9)"`
 * csvCell(-300) // '-300'
 * ```
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  let text = typeof value === 'string' ? value : JSON.stringify(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\n\r']/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/**
 * Rows of plain objects as CSV (RFC 4180, CRLF line ends), columns from the first row. Nested
 * money maps (`revenue: { CNY: 100 }`) become one column per currency (`revenue.CNY`).
 *
 * @example
 * ```ts
 * toCsv([{ day: '2026-11-01', orders: 3, revenue: { CNY: 26400 } }])
 * // 'day,orders,revenue.CNY\r\n2026-11-01,3,26400\r\n'
 * ```
 */
export function toCsv(rows: ReadonlyArray<Record<string, unknown>>): string {
  const flat = rows.map(flatten)
  const columns: string[] = []
  const seen = new Set<string>()
  for (const r of flat)
    for (const c of Object.keys(r))
      if (!seen.has(c)) {
        seen.add(c)
        columns.push(c)
      }
  const lines = [columns.map(csvCell).join(',')]
  for (const r of flat) lines.push(columns.map((c) => csvCell(r[c])).join(','))
  return `${lines.join('\r\n')}\r\n`
}

function flatten(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(row)) {
    if (v && typeof v === 'object' && !Array.isArray(v))
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) out[`${k}.${k2}`] = v2
    else out[k] = v
  }
  return out
}
