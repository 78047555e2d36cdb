import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import * as zc from 'zod/v4/core'
import en from 'zod/v4/locales/en.js'
import { issueMessage } from '../src/schemas/messages.js'

// Core words validation failures itself instead of bundling zod's English locale table (issue #14).
// What a caller reads in `LoopError.issues[].message` must not change: every message here is
// compared with the one zod's own table gives for the same issue.
const table = en().localeError

function messages(schema: zc.$ZodType, value: unknown, error: (issue: zc.$ZodRawIssue) => unknown) {
  const result = zc.safeParse(schema, value, { error: error as never })
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}
const same = (schema: zc.$ZodType, value: unknown) => {
  const theirs = messages(schema, value, table)
  expect(messages(schema, value, issueMessage)).toEqual(theirs)
  return theirs
}

class Basket {}
const cases: [string, zc.$ZodType, unknown[]][] = [
  [
    'invalid_type',
    z.string(),
    [
      1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      null,
      undefined,
      [],
      {},
      new Date(0),
      new Basket(),
      Object.create(null),
      1n,
      true,
      () => 1,
      Symbol('s'),
    ],
  ],
  ['invalid_type of a number', z.number(), ['1', Number.NaN, null]],
  ['invalid_type of an int', z.int(), [1.5, '2', Number.NEGATIVE_INFINITY]],
  ['too_small / too_big of a string', z.string().check(z.minLength(2), z.maxLength(3)), ['a', 'abcd']],
  ['exact length', z.string().check(z.length(4)), ['abc', 'abcde']],
  [
    'too_small / too_big of an array',
    z.array(z.int()).check(z.minLength(1), z.maxLength(2)),
    [[], [1, 2, 3]],
  ],
  ['inclusive bounds of a number', z.number().check(z.minimum(1), z.maximum(10)), [0, 11]],
  ['exclusive bounds of a number', z.number().check(z.gt(1), z.lt(10)), [1, 10]],
  ['positive', z.int().check(z.positive()), [0, -3]],
  ['regex', z.string().check(z.regex(/^[a-z]+$/)), ['ABC']],
  ['regex with a message', z.string().check(z.regex(/^\//, 'must be a path')), ['x']],
  ['url', z.url(), ['not a url']],
  ['starts/ends/includes', z.string().check(z.startsWith('a'), z.endsWith('z'), z.includes('m')), ['b']],
  ['multipleOf', z.number().check(z.multipleOf(5)), [7]],
  ['literal', z.literal('share.action'), ['other', 3]],
  ['enum', z.enum(['paid', 'pending', 'fulfilled']), ['lost']],
  [
    'unrecognized keys',
    z.strictObject({ a: z.string() }),
    [
      { a: 'x', b: 1 },
      { a: 'x', b: 1, c: 2 },
    ],
  ],
  ['union', z.union([z.string(), z.int()]), [null, 1.5]],
  [
    'discriminated union',
    z.discriminatedUnion('kind', [z.object({ kind: z.literal('a') }), z.object({ kind: z.literal('b') })]),
    [{ kind: 'c' }],
  ],
  ['record keys', z.record(z.string().check(z.minLength(3)), z.int()), [{ ab: 1 }]],
  ['map values', z.map(z.string(), z.int()), [new Map([['a', 'x']])]],
  ['set size', z.set(z.int()).check(z.minSize(2)), [new Set([1])]],
  ['custom with a message', z.custom((v) => v === 1, 'must be one'), [2]],
  [
    'nested paths',
    z.strictObject({ lines: z.array(z.strictObject({ quantity: z.int() })) }),
    [{ lines: [{ quantity: 'x' }] }],
  ],
]

describe("issueMessage words zod's issues as zod's English locale does", () => {
  for (const [name, schema, values] of cases) {
    it(name, () => {
      for (const value of values) expect(same(schema, value).length).toBeGreaterThan(0)
    })
  }

  it('names a string format core does not check by its zod key: the one, documented difference', () => {
    expect(messages(z.email(), 'nope', table)).toEqual([': Invalid email address'])
    expect(messages(z.email(), 'nope', issueMessage)).toEqual([': Invalid email'])
  })

  it('on arbitrary values against an order-like schema', () => {
    const schema = z.strictObject({
      customerId: z.string().check(z.minLength(1), z.maxLength(8)),
      lines: z
        .array(z.strictObject({ skuId: z.string(), quantity: z.int().check(z.minimum(1)) }))
        .check(z.maxLength(2)),
      provider: z.optional(z.enum(['wechat', 'alipay'])),
    })
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true }),
        (value) => {
          same(schema, value)
          same(schema, { customerId: value, lines: [{ skuId: 'duck', quantity: value }], provider: value })
        },
      ),
      { numRuns: 500 },
    )
  })
})
