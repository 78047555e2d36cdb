/**
 * WeChat's typed template keywords (subscribe messages and category template messages). A value
 * breaking its type's rule is refused by WeChat with errcode 47003; checking here turns that into
 * a `message_invalid` before anything is queued. `text` is for legacy template keywords without a type.
 */
export type KeywordType =
  | 'thing'
  | 'number'
  | 'letter'
  | 'symbol'
  | 'character_string'
  | 'time'
  | 'date'
  | 'amount'
  | 'phone_number'
  | 'car_number'
  | 'name'
  | 'phrase'
  | 'text'

const DATE = String.raw`\d{4}(?:年\d{1,2}月\d{1,2}日|[-/.]\d{1,2}[-/.]\d{1,2})`
const TIME = String.raw`(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?`
const range = (item: string) => new RegExp(String.raw`^${item}(?:\s*~\s*${item})?$`)
const DATE_VALUE = range(String.raw`${DATE}(?:\s*${TIME})?`)
const TIME_VALUE = range(String.raw`(?:${DATE}\s*)?${TIME}`)
const HAN = /\p{Script=Han}/u

const length = (value: string) => [...value].length

type Rule = (value: string) => string | null

const max =
  (n: number, what: string): Rule =>
  (v) =>
    length(v) > n ? `must be at most ${n} ${what}` : null
const matches =
  (re: RegExp, what: string): Rule =>
  (v) =>
    re.test(v) ? null : `must be ${what}`
const all =
  (...rules: Rule[]): Rule =>
  (v) => {
    for (const rule of rules) {
      const problem = rule(v)
      if (problem) return problem
    }
    return null
  }

// From WeChat's keyword table (protocols §4.2).
const rules: Record<KeywordType, Rule> = {
  thing: max(20, 'characters'),
  number: all(max(32, 'characters'), matches(/^[+-]?\d+(?:\.\d+)?$/, 'a number')),
  letter: matches(/^[A-Za-z]{1,32}$/, 'at most 32 letters'),
  symbol: matches(/^[^\p{L}\p{N}\s]{1,5}$/u, 'at most 5 symbols'),
  character_string: matches(/^[\x21-\x7e]{1,32}$/, 'at most 32 digits, letters or symbols'),
  time: matches(TIME_VALUE, 'a 24-hour time, optionally with a date or a `~` range'),
  date: matches(DATE_VALUE, 'a date, optionally with a time or a `~` range'),
  amount: matches(
    /^[¥￥$€£]?\d{1,10}(?:\.\d{1,2})?元?$/,
    'a currency symbol and at most 10 digits (e.g. ¥12.80)',
  ),
  phone_number: all(max(17, 'characters'), matches(/^[\d+\-()# ]+$/, 'digits and phone symbols')),
  car_number: all(
    max(8, 'characters'),
    matches(/^[\p{Script=Han}A-Za-z0-9](?:[A-Za-z0-9]*[\p{Script=Han}A-Za-z0-9])?$/u, 'a licence plate'),
  ),
  name: (v) => {
    if (/\d/.test(v)) return 'must not contain digits'
    return HAN.test(v) ? max(10, 'characters when it contains Chinese')(v) : max(20, 'letters or symbols')(v)
  },
  phrase: matches(/^\p{Script=Han}{1,5}$/u, 'at most 5 Chinese characters'),
  text: max(200, 'characters'),
}

/** Whether `type` is one WeChat types keywords with. */
export function isKeywordType(type: string): type is KeywordType {
  return Object.hasOwn(rules, type)
}

/**
 * What is wrong with `value` as a `type` keyword, or null when WeChat will accept it.
 *
 * @example
 * ```ts
 * keywordProblem('thing', '南京盐水鸭') // null
 * keywordProblem('amount', 'USD 12.80') // 'must be a currency symbol and at most 10 digits (e.g. ¥12.80)'
 * ```
 */
export function keywordProblem(type: KeywordType, value: string): string | null {
  if (value.trim() === '') return 'must not be empty'
  return rules[type](value)
}

/** Cuts a `thing` value to WeChat's 20 characters, ending in `…`. */
export function truncateThing(value: string): string {
  const chars = [...value]
  return chars.length <= 20 ? value : `${chars.slice(0, 19).join('')}…`
}

/**
 * The type a keyword key names: WeChat keys are the type plus a number (`thing1`, `amount2`),
 * legacy template keys are `keyword1`, `first`, `remark`. Null when the key names no type.
 */
export function typeOfKey(key: string): KeywordType | null {
  const m = /^([a-z_]+?)\d+$/.exec(key)
  return m && isKeywordType(m[1]!) && m[1] !== 'text' ? m[1] : null
}
