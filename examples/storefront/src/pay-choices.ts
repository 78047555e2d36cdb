/** The three ways the shop takes money, each served by one payment adapter of the loop. */
export type PayChoiceId = 'wechat' | 'alipay' | 'stripe'

/** Which browser the buyer is in, from its User-Agent: it decides the default choice and the method. */
export type BrowserKind = 'wechat' | 'mobile' | 'desktop'

/** One way to pay, as the checkout page offers it. */
export interface PayChoice {
  id: PayChoiceId
  /** The loop's payment provider id (`sandbox` stands in for WeChat Pay in the sandbox mode). */
  provider: string
  /** The checkout `method` per browser; null: the provider's default. */
  methods: Record<BrowserKind, string | null>
  /** What the page says about it: where it works and, locally, what stands in for it. */
  note: [zh: string, en: string]
}

/**
 * The buyer's browser from its User-Agent: WeChat's built-in browser says `MicroMessenger`; phones
 * say `Mobile` (iOS, Android Chrome) or `Android`.
 *
 * @example
 * ```ts
 * browserKind('Mozilla/5.0 (iPhone; …) MicroMessenger/8.0.50') // 'wechat'
 * ```
 */
export function browserKind(userAgent: string | undefined): BrowserKind {
  const ua = userAgent ?? ''
  if (/MicroMessenger/i.test(ua)) return 'wechat'
  if (/Mobile|Android|iPhone|iPad/i.test(ua)) return 'mobile'
  return 'desktop'
}

/**
 * The choice selected when the page opens: WeChat Pay inside WeChat (WeChat's browser blocks Alipay's
 * pages), Alipay in any other browser. Cards via Stripe are always one tap away.
 */
export function defaultChoice(kind: BrowserKind, choices: readonly PayChoice[]): PayChoiceId {
  const want: PayChoiceId = kind === 'wechat' ? 'wechat' : 'alipay'
  return choices.some((c) => c.id === want) ? want : (choices[0]?.id ?? 'stripe')
}

/** Alipay through its mobile-web cashier on a phone and the desktop cashier (a posted form) elsewhere. */
export const alipayChoice: PayChoice = {
  id: 'alipay',
  provider: 'alipay',
  methods: { wechat: 'wap', mobile: 'wap', desktop: 'page' },
  note: [
    '手机浏览器跳转支付宝，电脑上打开支付宝收银台。本地运行时是支付宝模拟器。',
    'Phone browsers go to Alipay; on a computer, Alipay’s cashier page. Locally: the Alipay simulator.',
  ],
}

/** Cards on Stripe's hosted Checkout page (a redirect; card data never touches the shop). */
export const stripeChoice: PayChoice = {
  id: 'stripe',
  provider: 'stripe',
  methods: { wechat: 'checkout', mobile: 'checkout', desktop: 'checkout' },
  note: [
    '银行卡（Visa、Mastercard 等）在 Stripe 的收银页支付。本地运行时是 Stripe 模拟器。',
    'Cards (Visa, Mastercard, …) on Stripe’s hosted checkout page. Locally: the Stripe simulator.',
  ],
}
