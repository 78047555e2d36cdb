import { memoryStorage } from '@loopkit/core'
import { startSimulatorServer } from '../../testing/src/wechat/server.js'
import { type WechatOpenSimulator, wechatOpenSimulator } from '../../testing/src/wechat/open/index.js'

export const T0 = Date.UTC(2025, 0, 6, 2, 0, 0)

/** A fresh simulator on loopback, with a clock frozen at T0 (moved with `sim.advance`). */
export async function startOpenSim(): Promise<{ sim: WechatOpenSimulator; url: string; close(): Promise<void> }> {
  const sim = wechatOpenSimulator({ now: () => T0 })
  const server = await startSimulatorServer({ handlers: [(req) => sim.handle(req)] })
  return { sim, url: server.url, close: () => server.close() }
}

export { memoryStorage }
