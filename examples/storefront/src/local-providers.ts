import { alipayPayments } from '@loopkit/alipay'
import type { PaymentAdapter } from '@loopkit/core'
import { stripePayments } from '@loopkit/stripe'
import { alipaySimulator, stripeSimulator } from '@loopkit/testing'
import type { Hono } from 'hono'
import { alipayChoice, type PayChoice, stripeChoice } from './pay-choices.js'
import { simProxyRoutes, viaShop } from './sim-proxy.js'

/** Alipay and Stripe as the shop runs them locally: the real adapters against in-process simulators. */
export interface LocalProviders {
  payments: PaymentAdapter[]
  choices: PayChoice[]
  /** The simulators' buyer pages (Alipay's cashier, Stripe's Checkout), served through the shop. */
  routes: (app: Hono) => void
  banner: string
  close(): Promise<void>
}

/**
 * Starts the Alipay and Stripe simulators from `@loopkit/testing` on loopback and points the real
 * `alipayPayments()` and `stripePayments()` at them, so `pnpm demo` offers all three ways to pay with
 * no credentials and nothing leaving the machine. Their buyer pages are reached through the shop's
 * own address, so a phone on the network can pay too. Stripe's simulator posts its signed events to the
 * loop's `/webhooks/stripe`; Alipay's posts to the `notify_url` each payment carries.
 */
export async function localProviders(input: { origin: string }): Promise<LocalProviders> {
  const alipay = await alipaySimulator()
  const stripe = await stripeSimulator({ webhookUrl: `${input.origin}/loop/webhooks/stripe` }).catch(
    async (error) => {
      await alipay.close()
      throw error
    },
  )
  const close = async () => {
    await Promise.all([alipay.close(), stripe.close()])
  }
  try {
    const alipayBase = alipay.gateway().replace(/\/gateway\.do$/, '')
    return {
      payments: [
        viaShop(alipayPayments(alipay.adapterOptions()), { from: alipayBase, to: input.origin }),
        viaShop(stripePayments({ ...stripe.adapterOptions(), returnUrl: `${input.origin}/orders` }), {
          from: stripe.url,
          to: input.origin,
        }),
      ],
      choices: [alipayChoice, stripeChoice],
      routes: (app) =>
        simProxyRoutes(app, [
          { paths: ['/gateway.do', '/_sim/alipay/*'], target: alipayBase },
          { paths: ['/_sim/stripe/*'], target: stripe.url },
        ]),
      banner: `Alipay simulator: ${alipay.gateway()} · Stripe simulator: ${stripe.url}`,
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}
