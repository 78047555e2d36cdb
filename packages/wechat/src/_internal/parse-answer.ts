import { parseAnswer as parse } from '@loopkit/core/kit'

/** Core's `parseAnswer` under the `[wechat]` scope: a malformed answer is `provider_error`. */
export function parseAnswer<S extends Parameters<typeof parse>[0]>(
  schema: S,
  value: unknown,
  operation: string,
  extra: { retryable?: boolean } = {},
): ReturnType<typeof parse<S>> {
  return parse(schema, value, { scope: 'wechat', operation, ...extra })
}
