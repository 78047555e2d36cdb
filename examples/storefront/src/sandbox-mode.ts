import { consoleMessaging, sandboxIdentity, sandboxPayments } from '@loopkit/core/dev'
import { localProviders } from './local-providers.js'
import type { ModeAdapters, ModeInput } from './mode.js'
import type { PayChoice } from './pay-choices.js'

/** In the sandbox, WeChat Pay is Loopkit's sandbox pay page (one button), whatever the browser. */
const sandboxWechatChoice: PayChoice = {
  id: 'wechat',
  provider: 'sandbox',
  methods: { wechat: null, mobile: null, desktop: null },
  note: [
    '在微信里打开时用微信支付。沙盒模式下是 Loopkit 的沙盒付款页（点一下即付款）。',
    'Inside WeChat, pay with WeChat Pay. In the sandbox it is Loopkit’s sandbox pay page (one tap pays).',
  ],
}

/**
 * The default mode: Loopkit's sandbox login page (type any name) and messages printed to the
 * console; three ways to pay — the sandbox pay page standing in for WeChat Pay, and the real Alipay
 * and Stripe adapters against their simulators in-process. No credentials, nothing leaves the machine.
 */
export async function sandboxMode(options: Pick<ModeInput, 'log' | 'origin'>): Promise<ModeAdapters> {
  const local = await localProviders({ origin: options.origin })
  return {
    mode: 'sandbox',
    loginProvider: 'sandbox',
    payments: [sandboxPayments(), ...local.payments],
    identity: [sandboxIdentity()],
    messaging: [consoleMessaging({ log: options.log })],
    plugins: [],
    pay: [sandboxWechatChoice, ...local.choices],
    routes: local.routes,
    banner: local.banner,
    close: local.close,
  }
}
