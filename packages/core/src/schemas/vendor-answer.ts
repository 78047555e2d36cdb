import * as z from 'zod/mini'
import type * as zc from 'zod/v4/core'
import { isLoopError, loopError } from '../errors.js'
import { parseInput } from '../schemas.js'

/**
 * zod/mini's building blocks, from core's own copy of zod, for adapters' schemas of their vendor's
 * answers. An adapter that imported zod itself would ship a second copy of it in its bundle; core
 * has these in its bundle already.
 *
 * @example
 * ```ts
 * import { answerSchema as s, parseAnswer } from '@loopkit/core/kit'
 *
 * const tokenAnswer = s.object({ access_token: s.string().check(s.minLength(1)), expires_in: s.int() })
 * const token = parseAnswer(tokenAnswer, await response.json(), { scope: 'pager', operation: 'POST /token' })
 * ```
 */
export const answerSchema = {
  object: z.object,
  string: z.string,
  number: z.number,
  int: z.int,
  boolean: z.boolean,
  literal: z.literal,
  enum: z.enum,
  array: z.array,
  union: z.union,
  optional: z.optional,
  nullable: z.nullable,
  minLength: z.minLength,
  maxLength: z.maxLength,
  minimum: z.minimum,
  maximum: z.maximum,
  regex: z.regex,
}

/** Where a vendor answer came from, for the error that reports it. */
export interface AnswerSource {
  /** The adapter's scope in messages: `[loopkit] [wechat] …`. */
  scope: string
  /** The call that answered: `sns/jscode2session`, `WeChat Pay refund`. */
  operation: string
  /** Whether asking again may get a good answer (the error's `retryable`). Default false. */
  retryable?: boolean
}

/**
 * Parses a vendor's answer with its schema: an answer of another shape (a field missing, a number
 * where a string belongs) is a `provider_error` naming the call and the field, with zod's issues —
 * never the answer itself, which may hold a token or a session key.
 *
 * @example
 * ```ts
 * const session = parseAnswer(sessionAnswer, body, { scope: 'wechat', operation: 'sns/jscode2session' })
 * ```
 */
export function parseAnswer<T extends zc.$ZodType>(
  schema: T,
  value: unknown,
  source: AnswerSource,
): zc.output<T> {
  try {
    return parseInput(schema, value, source.scope)
  } catch (error) {
    if (!isLoopError(error) || error.code !== 'invalid_input') throw error
    const first = error.issues?.[0]
    const at = first ? ` at \`${first.path.join('.') || '(root)'}\`: ${first.message}` : ''
    throw loopError(
      source.scope,
      'provider_error',
      `${source.operation} answered in an unexpected shape${at}.`,
      {
        ...(error.issues ? { issues: error.issues } : {}),
        retryable: source.retryable ?? false,
      },
    )
  }
}
