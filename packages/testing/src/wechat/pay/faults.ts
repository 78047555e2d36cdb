/** Which requests a fault applies to: a path prefix, a pattern, or every path (`null`). */
type PathMatch = string | RegExp | null

interface Rule {
  path: PathMatch
  times: number
}

const matches = (path: PathMatch, pathname: string) =>
  path === null || (typeof path === 'string' ? pathname.startsWith(path) : path.test(pathname))

/** Takes the first rule matching `pathname`, using up one of its `times`. */
function take<R extends Rule>(rules: R[], pathname: string): R | undefined {
  const rule = rules.find((r) => matches(r.path, pathname))
  if (rule && --rule.times <= 0) rules.splice(rules.indexOf(rule), 1)
  return rule
}

/**
 * The simulator's fault injection: error answers, genuine answers reshaped before signing, and
 * forged signatures, each for the next matching request(s). `controls` is spread into `sim.pay`;
 * the handler asks the other three functions as it answers.
 */
export function createFaults() {
  const errors: (Rule & { status: number; code: string; message: string })[] = []
  const reshapes: (Rule & { change: (json: unknown) => unknown })[] = []
  let forgeNext = 0
  return {
    /** The error answer for this request, if one is due (checked after the signature). */
    error(pathname: string): { status: number; json: { code: string; message: string } } | null {
      const rule = take(errors, pathname)
      return rule ? { status: rule.status, json: { code: rule.code, message: rule.message } } : null
    },
    /** A successful answer's JSON, reshaped if a rule is due. */
    reshape(pathname: string, json: unknown): unknown {
      const rule = take(reshapes, pathname)
      return rule ? rule.change(json) : json
    },
    /** True when this successful answer must carry a forged signature. */
    forge(): boolean {
      if (forgeNext <= 0) return false
      forgeNext--
      return true
    },
    controls: {
      /** Answer the next matching request(s) with this error (after the signature check). */
      failNext(input: {
        status: number
        code: string
        message?: string
        path?: string | RegExp
        times?: number
      }) {
        errors.push({
          status: input.status,
          code: input.code,
          message: input.message ?? input.code,
          path: input.path ?? null,
          times: input.times ?? 1,
        })
      },
      /**
       * The next successful answer(s) to a matching path are rewritten by `change` before they are
       * signed: a genuine, correctly signed answer in a shape the adapter does not expect.
       */
      reshapeNext(input: { path?: string | RegExp; change: (json: unknown) => unknown; times?: number }) {
        reshapes.push({ path: input.path ?? null, change: input.change, times: input.times ?? 1 })
      },
      /** The next successful response(s) carry an invalid signature, as a forged or tampered answer would. */
      forgeNextResponse(times = 1) {
        forgeNext += times
      },
    },
  }
}
