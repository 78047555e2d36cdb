/**
 * Makes `target`'s instances stand in for instances of `standard`'s class: every member of
 * `standard` (a built-in prototype such as `Request.prototype`) that `target` does not define
 * itself is forwarded to the standard object `this[make]()` returns, so whatever the runtime's
 * `Request` or `Headers` has, the stand-in has too. `instanceof` holds through the prototype chain;
 * `Symbol.toStringTag` stays the built-in's.
 */
export function standIn(target: object, standard: object, make: symbol): void {
  for (const key of Reflect.ownKeys(standard)) {
    if (key === 'constructor' || key === Symbol.toStringTag || Object.hasOwn(target, key)) continue
    const { value } = Object.getOwnPropertyDescriptor(standard, key)!
    Object.defineProperty(
      target,
      key,
      typeof value === 'function'
        ? {
            value(
              this: Record<symbol, () => Record<PropertyKey, (...a: unknown[]) => unknown>>,
              ...args: unknown[]
            ) {
              const object = this[make]!()
              return object[key]!.apply(object, args)
            },
          }
        : {
            get(this: Record<symbol, () => Record<PropertyKey, unknown>>) {
              return this[make]!()[key]
            },
          },
    )
  }
  Object.setPrototypeOf(target, standard)
}
