/** A cookie-keeping client over a Web handler, following redirects like a browser would. */
export function browser(handler: (request: Request) => Promise<Response>, origin = 'http://shop.test') {
  const jar = new Map<string, string>()
  const store = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const i = pair!.indexOf('=')
      const name = pair!.slice(0, i)
      const value = pair!.slice(i + 1)
      if (/max-age=0/i.test(line)) jar.delete(name)
      else jar.set(name, value)
    }
  }
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  async function request(
    path: string,
    init: RequestInit & { json?: unknown; form?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers = new Headers(init.headers)
    if (jar.size) headers.set('cookie', cookie())
    let body = init.body
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json')
      body = JSON.stringify(init.json)
    }
    if (init.form) {
      headers.set('content-type', 'application/x-www-form-urlencoded')
      body = new URLSearchParams(init.form).toString()
    }
    const res = await handler(new Request(new URL(path, origin), { ...init, headers, body: body ?? null }))
    store(res)
    return res
  }
  /** Requests and follows redirects while they stay under the loop (returns the last response and the final location). */
  async function follow(
    path: string,
    init: Parameters<typeof request>[1] = {},
  ): Promise<{ res: Response; location: string }> {
    let res = await request(path, init)
    let location = path
    for (let i = 0; i < 10 && res.status >= 300 && res.status < 400; i++) {
      location = res.headers.get('location')!
      const next = new URL(location, origin)
      if (next.origin !== origin || !next.pathname.startsWith('/loop/')) break
      res = await request(next.pathname + next.search)
    }
    return { res, location }
  }
  return { request, follow, jar }
}

/** Logs a browser in through the sandbox login page, as a person would. */
export async function sandboxLogin(b: ReturnType<typeof browser>, name: string, query = 'returnTo=/') {
  const start = await b.request(`/loop/login/sandbox?${query}`)
  if (start.status !== 302) throw new Error(`login start: ${start.status} ${await start.text()}`)
  const page = new URL(start.headers.get('location')!)
  const posted = await b.request(page.pathname, {
    method: 'POST',
    form: {
      name,
      state: page.searchParams.get('state')!,
      redirect_uri: page.searchParams.get('redirect_uri')!,
    },
  })
  const callback = new URL(posted.headers.get('location')!)
  const done = await b.request(callback.pathname + callback.search)
  return { done, callback }
}
