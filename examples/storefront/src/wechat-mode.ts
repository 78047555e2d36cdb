import { randomBytes } from 'node:crypto'
import { wechatSimulator } from '@loopkit/testing'
import {
  type WechatTemplate,
  wechatAccessToken,
  wechatJsSdk,
  wechatLogin,
  wechatMassSendChannel,
  wechatMessages,
  wechatOfficialAccount,
  wechatPayments,
} from '@loopkit/wechat'
import { localProviders } from './local-providers.js'
import type { ModeAdapters, ModeInput } from './mode.js'
import type { PayChoice } from './pay-choices.js'
import { posterRoutes } from './wechat-poster.js'
import { wechatSimRoutes } from './wechat-sim-page.js'

/** Official-account template messages, one per topic, with WeChat's typed keywords. */
const templates: Record<string, WechatTemplate> = {
  'order.paid': {
    kind: 'template',
    templateId: 'sim_tmpl_order_paid',
    fields: {
      character_string1: { type: 'character_string', from: 'orderNumber' },
      amount2: { type: 'amount', from: 'amount' },
      thing3: { type: 'thing', from: 'title', truncate: true },
    },
  },
  'order.fulfilled': {
    kind: 'template',
    templateId: 'sim_tmpl_order_shipped',
    fields: {
      character_string1: { type: 'character_string', from: 'orderNumber' },
      thing2: { type: 'thing', from: 'title', truncate: true },
    },
  },
  'order.refunded': {
    kind: 'template',
    templateId: 'sim_tmpl_order_refunded',
    fields: {
      character_string1: { type: 'character_string', from: 'orderNumber' },
      amount2: { type: 'amount', from: 'amount' },
      thing3: { type: 'thing', from: 'title', truncate: true },
    },
  },
  'reward.accrued': {
    kind: 'template',
    templateId: 'sim_tmpl_reward',
    fields: {
      amount1: { type: 'amount', from: 'amount' },
      thing2: { type: 'thing', from: 'title', truncate: true },
    },
  },
  // A campaign: its title and body; the message's `url` is where tapping the message leads.
  campaign: {
    kind: 'template',
    templateId: 'sim_tmpl_campaign',
    fields: {
      thing1: { type: 'thing', from: 'title', truncate: true },
      thing2: { type: 'thing', from: 'body', truncate: true },
    },
  },
}

/**
 * WeChat Pay v3: JSAPI inside WeChat's browser (the buyer's openid from the WeChat login), H5 in any
 * other browser (the simulator's buyer page pays and returns).
 */
const wechatChoice: PayChoice = {
  id: 'wechat',
  provider: 'wechat',
  methods: { wechat: 'jsapi', mobile: 'h5', desktop: 'h5' },
  note: [
    '在微信里直接付款；其他浏览器跳转到微信支付 H5 页面。本地运行时是微信支付模拟器。',
    'Pays right inside WeChat; other browsers go to WeChat Pay’s H5 page. Locally: the WeChat Pay simulator.',
  ],
}

/**
 * `--wechat`: the real WeChat adapters against the WeChat simulator from `@loopkit/testing`, started
 * in-process on loopback. Login is official-account web OAuth (the authorize step is a page of the
 * shop that lets you pick a simulated WeChat user), payment is WeChat Pay API v3 H5 (signed prepay,
 * the simulator's buyer page, an encrypted and signed TRANSACTION.SUCCESS callback to
 * `/loop/webhooks/wechat`), messages are template messages through a shared access token (and
 * campaigns may go out as the account's mass send, `wechat-mass`, whose `MASSSENDJOBFINISH` the
 * message server takes), and the JS-SDK signature route is mounted for the share card.
 */
export async function wechatSimMode(input: ModeInput): Promise<ModeAdapters> {
  const sim = await wechatSimulator({
    pay: { allowInsecureNotifyUrl: true },
    ...(input.wechat?.massSendsPerDay !== undefined
      ? { oa: { massSendsPerDay: input.wechat.massSendsPerDay } }
      : {}),
  })
  let local: Awaited<ReturnType<typeof localProviders>> | null = null
  try {
    local = await localProviders({ origin: input.origin })
    const account = sim.open.officialAccount
    if (account.appid !== sim.pay.appid) {
      throw new Error(
        `[loopkit] [storefront] The simulator's official account ${account.appid} is not the pay appid ${sim.pay.appid}.`,
      )
    }
    const tokens = wechatAccessToken({
      appid: account.appid,
      secret: account.secret,
      storage: input.storage,
      baseUrl: sim.url,
    })
    // The official account's message server (服务器配置) in safe mode, with a key made for this run;
    // the simulator pushes follows, unfollows and scans to it, signed and encrypted.
    const server = {
      token: 'loopkit',
      encodingAesKey: randomBytes(43).toString('base64url').replace(/[-_]/g, 'A').slice(0, 43),
    }
    const oa = wechatOfficialAccount({
      appid: account.appid,
      secret: account.secret,
      ...server,
      mode: 'safe',
      baseUrl: sim.url,
    })
    sim.oa.configure({ url: `${input.origin}/loop/wechat/events`, mode: 'safe', ...server })
    return {
      mode: 'wechat-sim',
      loginProvider: 'wechat',
      payments: [wechatPayments(sim.pay.adapterOptions()), ...local.payments],
      identity: [
        wechatLogin({
          appid: account.appid,
          secret: account.secret,
          scope: 'snsapi_userinfo',
          baseUrl: sim.url,
          // WeChat's authorize page is where a person confirms who they are; the shop stands in for it.
          authorizeBaseUrl: `${input.origin}/wechat-sim`,
        }),
      ],
      // Template messages for everything, and the account's mass send (群发, `wechat-mass`) for
      // campaigns: a campaign planned `wechat-mass` then `wechat` goes out as one mass send per batch,
      // and when the simulated daily quota refuses it (45028) each member gets a template message.
      messaging: [
        wechatMessages({ officialAccount: { tokens }, templates }),
        wechatMassSendChannel({ tokens }),
      ],
      plugins: [wechatJsSdk({ appid: account.appid, tokens, allowedOrigins: [input.origin] }), oa],
      pay: [wechatChoice, ...local.choices],
      routes: (app, shop) => {
        wechatSimRoutes(app, { sim, origin: input.origin })
        posterRoutes(app, shop, { tokens })
        local?.routes(app)
      },
      banner: `WeChat simulator: ${sim.url} (official account ${account.appid}, merchant ${sim.pay.mchid}) · ${local.banner}`,
      close: async () => {
        await Promise.all([sim.close(), local?.close()])
      },
    }
  } catch (error) {
    await local?.close()
    await sim.close()
    throw error
  }
}
