import * as z from 'zod/mini'
import { loopError } from '../../errors.js'
import { parseInput } from '../../schemas.js'
import { BODY_LIMITS, readJson } from '../body.js'
import { json } from '../respond.js'
import type { LoopHttpRoute } from './types.js'

// What `wx.requestSubscribeMessage` resolves with: `{ errMsg, <templateId>: 'accept' | 'reject' | 'ban' | 'filter' }`.
const consentBody = z.strictObject({
  channel: z.string().check(z.minLength(1), z.maxLength(64)),
  results: z
    .record(z.string().check(z.minLength(1), z.maxLength(128)), z.string().check(z.maxLength(32)))
    .check(z.refine((r) => Object.keys(r).length <= 20, 'At most 20 templates per request.')),
})

/**
 * `POST /consents`: records the subscription-message consents a logged-in customer just gave in
 * `wx.requestSubscribeMessage`. Only the session's customer is changed; template ids are mapped to
 * topics by the channel itself (`topicFor`), so a client cannot name an arbitrary topic. `accept`
 * grants one send, `ban` (the customer turned the template off for good) revokes; `reject` and
 * `filter` change nothing.
 */
export const consentRoutes: LoopHttpRoute[] = [
  {
    method: 'POST',
    path: '/consents',
    async handler({ rt, request, customerId }) {
      if (!customerId) throw loopError('consents', 'unauthorized', 'Log in before recording consents.')
      const body = parseInput(
        consentBody,
        await readJson(request, 'consents', BODY_LIMITS.consents),
        'consents',
      )
      const channel = rt.messaging.find((m) => m.id === body.channel)
      if (!channel?.topicFor)
        throw loopError(
          'consents',
          'invalid_input',
          `Channel \`${body.channel}\` takes no subscription consents.`,
        )
      const granted: string[] = []
      const revoked: string[] = []
      const ignored: string[] = []
      for (const [templateId, result] of Object.entries(body.results)) {
        if (templateId === 'errMsg') continue
        const topic = channel.topicFor({ templateId })
        if (!topic || (result !== 'accept' && result !== 'ban')) {
          ignored.push(templateId)
          continue
        }
        await rt.storage.changeConsent({
          customerId,
          channel: channel.id,
          topic,
          change: result === 'accept' ? { grant: 1 } : { revoke: true },
          now: rt.now(),
        })
        ;(result === 'accept' ? granted : revoked).push(topic)
      }
      return json({ granted, revoked, ignored })
    },
  },
]
