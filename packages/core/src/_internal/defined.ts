/**
 * The object without its `undefined` properties: zod's optional fields come out as `key: undefined`,
 * which `exactOptionalPropertyTypes` (and some storage adapters' `in` checks) read as "given".
 */
export function defined<T extends object>(input: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>
  }
}
