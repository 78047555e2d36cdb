import type { LoopError } from '@loopkit/core'
import * as zc from 'zod/v4/core'
import en from 'zod/v4/locales/en.js'
import { wechatError } from './errors.js'

const messages = en()

/**
 * Parses a WeChat answer with its zod/mini schema: an answer of another shape (a field missing, a
 * number where a string belongs) is `provider_error` naming the operation and the field — never the
 * answer itself, which may hold a token, a session key or an openid.
 */
export function parseAnswer<T extends zc.$ZodType>(
  schema: T,
  value: unknown,
  operation: string,
  extra: { retryable?: boolean } = {},
): zc.output<T> {
  const result = zc.safeParse(schema, value, { error: messages.localeError })
  if (result.success) return result.data
  throw answerError(result.error.issues, operation, extra)
}

function answerError(
  raw: ReadonlyArray<zc.$ZodIssue>,
  operation: string,
  extra: { retryable?: boolean },
): LoopError {
  const issues = raw.map((i) => ({
    path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
    message: i.message,
    code: i.code,
  }))
  const first = issues[0]
  return wechatError(
    'provider_error',
    `${operation} answered in an unexpected shape${first ? ` at \`${first.path.join('.') || '(root)'}\`: ${first.message}` : ''}.`,
    { issues, ...extra },
  )
}
