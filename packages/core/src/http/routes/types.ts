import type { Runtime } from '../../loop/runtime.js'
import type { Route } from '../router.js'

export interface RouteContext {
  rt: Runtime
  customerId: string | null
}

export type LoopHttpRoute = Route<RouteContext>
