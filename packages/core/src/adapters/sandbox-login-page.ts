import { escapeHtml, wantsHtml } from '../_internal/html-page.js'
import type { LoopContext, LoopRoute } from '../contracts/plugin.js'
import { isLoopError, loopError } from '../errors.js'

/**
 * A sandbox name: 1–32 characters of anything a person calls themselves (`Anne O'Brien`, `小丽🦆`,
 * `José`), trimmed; control characters and line breaks are refused. Pages escape it when shown.
 */
export function validSandboxName(name: string): boolean {
  const trimmed = name.trim()
  const length = [...trimmed].length
  return length >= 1 && length <= 32 && trimmed === name && !/[\p{Cc}\p{Zl}\p{Zp}]/u.test(name)
}

/** The login form, bilingual, in the host's layout; `problem` re-shows it after a refused name. */
function loginForm(
  context: LoopContext,
  input: { state: string; redirectUri: string; name?: string; problem?: boolean },
): Response {
  const problem = input.problem
    ? `<p class="error" id="sandbox-problem" role="alert">名字需为 1–32 个字符，不能包含换行。\nA name is 1–32 characters, without line breaks.</p>`
    : ''
  const body = `<h1>沙箱登录 <span class="muted">Sandbox login</span></h1>${problem}
<form method="post">
<label for="sandbox-name">你的名字 <span class="muted">Your name</span></label>
<input name="name" id="sandbox-name" required maxlength="64" autocomplete="nickname" autofocus value="${escapeHtml(input.name ?? '')}">
<input type="hidden" name="state" value="${escapeHtml(input.state)}"><input type="hidden" name="redirect_uri" value="${escapeHtml(input.redirectUri)}">
<button type="submit" id="sandbox-login">登录 Log in</button><button type="submit" class="secondary" name="deny" value="1" id="sandbox-deny">拒绝 Refuse</button>
</form>
<p class="muted">这是 Loopkit 的沙箱登录，输入任何名字即可，不连接任何账号。\nLoopkit's sandbox login: type any name; no real account is involved.</p>`
  return context.page({ status: input.problem ? 400 : 200, title: '沙箱登录 Sandbox login', body })
}

/**
 * The sandbox login page (`GET /sandbox/login`) and its form post, which sends a signed code back to
 * the loop's own callback only. A refused name re-shows the form to a browser; an API client gets the
 * `invalid_input` error.
 */
export function sandboxLoginRoutes(
  codeFor: (name: string) => string,
  /** Origins of the callbacks the adapter sent buyers to (a proxy may change the Host the loop sees). */
  callbackOrigins: ReadonlySet<string>,
): LoopRoute[] {
  return [
    {
      method: 'GET',
      path: '/sandbox/login',
      async handler({ request, context }) {
        const url = new URL(request.url)
        return loginForm(context, {
          state: url.searchParams.get('state') ?? '',
          redirectUri: url.searchParams.get('redirect_uri') ?? '',
        })
      },
    },
    {
      method: 'POST',
      path: '/sandbox/login',
      async handler({ request, context }) {
        const form = new URLSearchParams(await request.text())
        const redirect = new URL(form.get('redirect_uri') ?? '', request.url)
        // Only ever send codes back to this site's own callback.
        if (redirect.origin !== new URL(request.url).origin && !callbackOrigins.has(redirect.origin))
          throw loopError('sandbox', 'invalid_input', 'redirect_uri must be on this site.')
        redirect.searchParams.set('state', form.get('state') ?? '')
        if (!form.get('deny')) {
          try {
            redirect.searchParams.set('code', codeFor((form.get('name') ?? '').trim()))
          } catch (error) {
            if (!isLoopError(error) || !wantsHtml(request)) throw error
            return loginForm(context, {
              state: form.get('state') ?? '',
              redirectUri: form.get('redirect_uri') ?? '',
              name: form.get('name') ?? '',
              problem: true,
            })
          }
        }
        return new Response(null, { status: 302, headers: { location: redirect.href } })
      },
    },
  ]
}
