import { handleWebhook } from '../../flows/webhook.js'
import { BODY_LIMITS, readBody } from '../body.js'
import type { LoopHttpRoute } from './types.js'

export const webhookRoutes: LoopHttpRoute[] = [
  {
    method: 'POST',
    path: '/webhooks/:provider',
    async handler({ rt, request, params }) {
      const { response } = await handleWebhook(rt, {
        provider: params.provider!,
        request,
        // Read only up to the limit: a forged 5 MB body costs 64 KiB, then a 413 that is recorded.
        readBody: () => readBody(request, BODY_LIMITS.webhooks, 'webhook'),
      })
      return response
    },
  },
]
