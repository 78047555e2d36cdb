import { type XmlNode, xmlChild, xmlText } from './xml.js'

/** One template in a subscription-notification event (`subscribe_msg_*_event`). */
export interface SubscriptionItem {
  templateId: string
  /** `accept` | `reject` (popup/change); `success` or an error text (sent). Unknown values are not acceptance. */
  status: string
}

/**
 * What every push carries.
 * @inline
 */
interface PushHeader {
  /** The account's original id, `gh_…` (`ToUserName`). */
  account: string
  /** The sender's openid (`FromUserName`). */
  openid: string
  /** Unix seconds. */
  createTime: number
  /** The exactly-once key (reference §2.6): `MsgId`, or sender + time + event (+ key). */
  dedupeKey: string
}

/** A push from the message server, decrypted and parsed. */
export type OfficialAccountPush = PushHeader &
  (
    | { kind: 'message'; msgType: string; msgId: string; content: string | null }
    /** `scene`: the QR scene without `qrscene_` when the follow came from a parametric QR code. */
    | { kind: 'subscribe'; scene: string | null }
    | { kind: 'unsubscribe' }
    | { kind: 'scan'; scene: string }
    | { kind: 'menu'; event: 'CLICK' | 'VIEW'; key: string }
    | { kind: 'template_finished'; msgId: string; status: string }
    | {
        kind: 'mass_finished'
        msgId: string
        status: string
        totalCount: number
        filterCount: number
        sentCount: number
        errorCount: number
      }
    | { kind: 'subscription'; event: 'popup' | 'change' | 'sent'; items: SubscriptionItem[] }
    | { kind: 'other'; event: string }
  )

const count = (root: XmlNode, name: string): number => {
  const n = Number(xmlText(root, name) ?? '0')
  return Number.isSafeInteger(n) && n >= 0 ? n : 0
}

function subscriptionItems(root: XmlNode, wrappers: string[]): SubscriptionItem[] {
  // The older doc sample wraps the change event in SubscribeMsgPopupEvent: accept either wrapper.
  const wrapper = wrappers.map((w) => xmlChild(root, w)).find((w) => w !== undefined)
  return (wrapper?.children ?? [])
    .filter((c) => c.name === 'List')
    .map((item) => ({
      templateId: xmlText(item, 'TemplateId') ?? '',
      status: xmlText(item, 'SubscribeStatusString') ?? xmlText(item, 'ErrorStatus') ?? '',
    }))
    .filter((item) => item.templateId !== '')
}

// Two choices of one user within a second share sender, time and event: the choices themselves
// are part of the key, or the second one would be taken for a retry of the first.
const subscription = (
  header: PushHeader,
  event: 'popup' | 'change' | 'sent',
  items: SubscriptionItem[],
): OfficialAccountPush => ({
  ...header,
  dedupeKey: `${header.dedupeKey}:${items.map((i) => `${i.templateId}=${i.status}`).join(',')}`,
  kind: 'subscription',
  event,
  items,
})

/**
 * Reads a parsed push into a typed one, or null when a header field is missing or malformed (the
 * handler then refuses it without touching state). 64-bit ids (`MsgId`, `MsgID`) stay strings.
 *
 * @example
 * ```ts
 * const push = readPush(parseWechatXml(xml)!)
 * if (push?.kind === 'subscribe') console.log(push.openid, push.scene)
 * ```
 */
export function readPush(root: XmlNode): OfficialAccountPush | null {
  const account = xmlText(root, 'ToUserName') ?? ''
  const openid = xmlText(root, 'FromUserName') ?? ''
  const time = xmlText(root, 'CreateTime') ?? ''
  const msgType = xmlText(root, 'MsgType') ?? ''
  if (!account || !/^[A-Za-z0-9_-]{1,64}$/.test(openid) || !/^\d{1,12}$/.test(time) || !msgType) return null
  const createTime = Number(time)
  if (msgType !== 'event') {
    const msgId = xmlText(root, 'MsgId') ?? ''
    if (!/^\d{1,20}$/.test(msgId)) return null
    return {
      account,
      openid,
      createTime,
      // MsgId collisions across users were observed (WxJava #333): keep the sender in the key.
      dedupeKey: `msg:${openid}:${msgId}`,
      kind: 'message',
      msgType,
      msgId,
      content: xmlText(root, 'Content') ?? null,
    }
  }
  const event = xmlText(root, 'Event') ?? ''
  if (!event) return null
  const key = xmlText(root, 'EventKey') ?? ''
  const header = { account, openid, createTime, dedupeKey: `evt:${openid}:${time}:${event}:${key}` }
  switch (event) {
    case 'subscribe':
      return { ...header, kind: 'subscribe', scene: key.startsWith('qrscene_') ? key.slice(8) || null : null }
    case 'unsubscribe':
      return { ...header, kind: 'unsubscribe' }
    case 'SCAN':
      return key ? { ...header, kind: 'scan', scene: key } : null
    case 'CLICK':
    case 'VIEW':
      return { ...header, kind: 'menu', event, key }
    case 'TEMPLATESENDJOBFINISH':
    case 'MASSSENDJOBFINISH': {
      const msgId = xmlText(root, 'MsgID') ?? ''
      if (!/^\d{1,20}$/.test(msgId)) return null
      const status = xmlText(root, 'Status') ?? ''
      const keyed = { ...header, dedupeKey: `${header.dedupeKey}:${msgId}`, msgId, status }
      if (event === 'TEMPLATESENDJOBFINISH') return { ...keyed, kind: 'template_finished' }
      return {
        ...keyed,
        kind: 'mass_finished',
        totalCount: count(root, 'TotalCount'),
        filterCount: count(root, 'FilterCount'),
        sentCount: count(root, 'SentCount'),
        errorCount: count(root, 'ErrorCount'),
      }
    }
    case 'subscribe_msg_popup_event':
      return subscription(header, 'popup', subscriptionItems(root, ['SubscribeMsgPopupEvent']))
    case 'subscribe_msg_change_event':
      return subscription(
        header,
        'change',
        subscriptionItems(root, ['SubscribeMsgChangeEvent', 'SubscribeMsgPopupEvent']),
      )
    case 'subscribe_msg_sent_event':
      return subscription(header, 'sent', subscriptionItems(root, ['SubscribeMsgSentEvent']))
    default:
      return { ...header, kind: 'other', event }
  }
}
