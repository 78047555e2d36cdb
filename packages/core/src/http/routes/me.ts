import { loopError } from '../../errors.js'
import { json } from '../respond.js'
import { publicCustomer } from './login.js'
import type { LoopHttpRoute } from './types.js'

export const meRoutes: LoopHttpRoute[] = [
  {
    method: 'GET',
    path: '/me',
    async handler({ rt, customerId }) {
      const customer = customerId ? await rt.storage.getCustomer({ id: customerId }) : null
      if (!customer) throw loopError('me', 'unauthorized', 'Not logged in.')
      return json({ customer: publicCustomer(customer) })
    },
  },
]
