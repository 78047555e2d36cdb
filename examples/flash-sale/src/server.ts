// The loop behind a real `node:http` server on 127.0.0.1 (an ephemeral port), driven by buyers in
// another OS process (`client.ts`) over keep-alive sockets: what a deployed loop pays on top of
// calling `loop.fetch` in process (HTTP parsing, the Node ↔ Web bridge, the socket round trip),
// with the client's own work kept out of the server's CPU time.
import { fork } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { toNodeListener } from '@loopkit/core/node'
import type { ClientJob, ClientResult } from './client.js'

/**
 * Serves `handler` on 127.0.0.1 and has a client process run the sale against it with at most
 * `job.connections` sockets open (bounded load: buyers beyond that wait for a socket, as behind a
 * proxy's connection pool). Resolves with what the client saw once every buyer has finished.
 */
export async function driveOverSocket(input: {
  handler: (request: Request) => Promise<Response>
  /** The loop's `baseUrl`, so the loop sees the URLs it signs and routes on. */
  origin: string
  job: Omit<ClientJob, 'port'>
  /** Called when the client process has started, just before it begins: the sale's clock starts here. */
  onStart: () => void
}): Promise<ClientResult> {
  const server = createServer({ keepAlive: true }, toNodeListener(input.handler, { origin: input.origin }))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  try {
    const child = fork(new URL('./client.ts', import.meta.url), [], { execArgv: process.execArgv })
    return await new Promise<ClientResult>((resolve, reject) => {
      child.on('message', (m) => {
        if (m !== 'ready') return resolve(m as ClientResult)
        input.onStart()
        child.send({ ...input.job, port } satisfies ClientJob)
      })
      child.once('error', reject)
      child.once('exit', (code) => reject(new Error(`the client process exited with ${code}`)))
    })
  } finally {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
