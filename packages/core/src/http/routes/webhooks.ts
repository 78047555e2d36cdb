import { handleWebhook } from '../../flows/webhook.js'
import type { LoopHttpRoute } from './types.js'

export const webhookRoutes: LoopHttpRoute[] = [
  {
    method: 'POST',
    path: '/webhooks/:provider',
    // WeChat Pay, Alipay and Stripe notifications are a few KB; nothing past this is read.
    bodyLimit: 64 * 1024,
    async handler({ rt, request, params }) {
      const { response } = await handleWebhook(rt, { provider: params.provider!, request })
      return response
    },
  },
]
