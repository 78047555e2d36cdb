/** Every string the card shows or announces, in one language. */
export interface ShareCardStrings {
  shareTo: string
  wechat: string
  friend: string
  moments: string
  more: string
  copy: string
  copied: string
  copyFailed: string
  weibo: string
  qq: string
  poster: string
  drawing: string
  save: string
  shareImage: string
  close: string
  scan: string
  guideFriend: string
  guideMoments: string
  loading: string
  error: string
  login: string
  scanPoster: string
  qrLabel: string
}

const en: ShareCardStrings = {
  shareTo: 'Share to',
  wechat: 'WeChat',
  friend: 'WeChat friend',
  moments: 'Moments',
  more: 'More…',
  copy: 'Copy link',
  copied: 'Link copied',
  copyFailed: 'Copy this link:',
  weibo: 'Weibo',
  qq: 'QQ',
  poster: 'Poster',
  drawing: 'Drawing the poster…',
  save: 'Save image',
  shareImage: 'Share image',
  close: 'Close',
  scan: 'Scan with WeChat to share',
  guideFriend: 'Tap ··· at the top right, then “Send to Chat”',
  guideMoments: 'Tap ··· at the top right, then “Share to Moments”',
  loading: 'Loading…',
  error: 'This share card could not be loaded.',
  login: 'Log in to share.',
  scanPoster: 'Scan the code to see it',
  qrLabel: 'QR code of the link',
}

const zh: ShareCardStrings = {
  shareTo: '分享到',
  wechat: '微信',
  friend: '微信好友',
  moments: '朋友圈',
  more: '更多…',
  copy: '复制链接',
  copied: '链接已复制',
  copyFailed: '请手动复制链接：',
  weibo: '微博',
  qq: 'QQ',
  poster: '生成海报',
  drawing: '正在生成海报…',
  save: '保存图片',
  shareImage: '分享图片',
  close: '关闭',
  scan: '微信扫一扫，分享给朋友',
  guideFriend: '点击右上角 ···，选择“发送给朋友”',
  guideMoments: '点击右上角 ···，选择“分享到朋友圈”',
  loading: '加载中…',
  error: '分享卡片加载失败',
  login: '登录后即可分享',
  scanPoster: '长按或扫码查看',
  qrLabel: '分享链接二维码',
}

const one = (lang: string): ShareCardStrings => (/^zh\b/i.test(lang) ? zh : en)

/**
 * `zh`, `zh-CN`, `zh-Hant`… get Chinese; everything else English. Two languages separated by a
 * comma or a space (`zh-CN,en`) give both, first language first, for a bilingual page.
 *
 * @example
 * ```ts
 * stringsFor('zh-CN').copy // '复制链接'
 * stringsFor('zh-CN,en').copy // '复制链接 Copy link'
 * ```
 */
export function stringsFor(lang: string): ShareCardStrings {
  const [first = '', second] = lang.split(/[\s,]+/)
  const a = one(first)
  const b = second ? one(second) : a
  if (a === b) return a
  const both = {} as Record<keyof ShareCardStrings, string>
  for (const key of Object.keys(a) as (keyof ShareCardStrings)[]) {
    both[key] = a[key] === b[key] ? a[key] : `${a[key]} ${b[key]}` // `QQ`, not `QQ QQ`
  }
  return both
}
