import { startSimulatorServer, type WechatOpenSimulator, wechatOpenSimulator } from '@loopkit/testing'

export const T0 = Date.UTC(2025, 0, 6, 2, 0, 0)

/** A fresh open-platform simulator alone on loopback, its clock frozen at T0 (moved with `sim.advance`). */
export async function startOpenSim(): Promise<{
  sim: WechatOpenSimulator
  url: string
  close(): Promise<void>
}> {
  const sim = wechatOpenSimulator({ now: () => T0 })
  const server = await startSimulatorServer({ handlers: [(req) => sim.handle(req)] })
  return { sim, url: server.url, close: () => server.close() }
}
