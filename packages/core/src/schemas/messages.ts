import type { $ZodRawIssue } from 'zod/v4/core'

// zod's English messages, word for word, without zod's locale table (`zod/v4/locales/en.js`: 2.6 KB
// of core's bundle, mostly names of string formats core never checks, such as IBAN or E.164). A
// format core does not use is named by zod's key (`email`, not `email address`).
// test/zod-messages.test.ts compares every message with the table's.

const units: Record<string, string> = {
  string: 'characters',
  file: 'bytes',
  array: 'items',
  set: 'items',
  map: 'entries',
}

/** zod's name of a value's type (`util.parsedType`, with the locale's `NaN` and `Infinity`). */
function received(input: unknown): string {
  if (typeof input === 'number') return Number.isFinite(input) ? 'number' : String(input)
  if (typeof input !== 'object') return typeof input
  if (input === null) return 'null'
  if (Array.isArray(input)) return 'array'
  const ctor =
    Object.getPrototypeOf(input) !== Object.prototype && 'constructor' in input && input.constructor
  return typeof ctor === 'function' ? ctor.name : 'object'
}

/** A value as zod's messages show it (`util.stringifyPrimitive`). */
const shown = (v: unknown) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'string' ? `"${v}"` : `${v}`)

function size(issue: $ZodRawIssue & { code: 'too_big' | 'too_small' }): string {
  const big = issue.code === 'too_big'
  const bound = big ? issue.maximum : issue.minimum
  const adj = issue.exact ? 'exactly ' : `${big ? '<' : '>'}${issue.inclusive ? '=' : ''}`
  const unit = units[issue.origin as string]
  const what = big ? (issue.origin ?? 'value') : issue.origin
  return `Too ${big ? 'big' : 'small'}: expected ${what} to ${unit ? 'have' : 'be'} ${adj}${bound}${unit ? ` ${unit}` : ''}`
}

/** The message of one zod issue, as zod's English locale words it (`parseInput`'s `error` option). */
export function issueMessage(issue: $ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `Invalid input: expected ${issue.expected === 'nan' ? 'NaN' : issue.expected}, received ${received(issue.input)}`
    case 'invalid_value':
      return issue.values.length === 1
        ? `Invalid input: expected ${shown(issue.values[0])}`
        : `Invalid option: expected one of ${issue.values.map(shown).join('|')}`
    case 'too_big':
    case 'too_small':
      return size(issue)
    case 'invalid_format': {
      const f = issue as typeof issue & {
        prefix?: string
        suffix?: string
        includes?: string
        pattern?: RegExp
      }
      if (f.format === 'starts_with') return `Invalid string: must start with "${f.prefix}"`
      if (f.format === 'ends_with') return `Invalid string: must end with "${f.suffix}"`
      if (f.format === 'includes') return `Invalid string: must include "${f.includes}"`
      if (f.format === 'regex') return `Invalid string: must match pattern ${f.pattern}`
      return `Invalid ${f.format === 'url' ? 'URL' : f.format}`
    }
    case 'not_multiple_of':
      return `Invalid number: must be a multiple of ${issue.divisor}`
    case 'unrecognized_keys':
      return `Unrecognized key${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.map(shown).join(', ')}`
    case 'invalid_key':
      return `Invalid key in ${issue.origin}`
    case 'invalid_union': {
      const options = (issue as { options?: unknown }).options
      if (Array.isArray(options) && options.length > 0)
        return `Invalid discriminator value. Expected ${options.map((o) => `'${o}'`).join(' | ')}`
      return issue.inclusive === false ? 'Invalid input: more than one option matched' : 'Invalid input'
    }
    case 'invalid_element':
      return `Invalid value in ${issue.origin}`
    default:
      return 'Invalid input'
  }
}
