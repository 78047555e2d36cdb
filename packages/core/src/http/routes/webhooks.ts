import { handleWebhook } from '../../flows/webhook.js'
import type { LoopHttpRoute } from './types.js'

export const webhookRoutes: LoopHttpRoute[] = [
  {
    method: 'POST',
    path: '/webhooks/:provider',
    async handler({ rt, request, params }) {
      const { response } = await handleWebhook(rt, { provider: params.provider!, request })
      return response
    },
  },
]
