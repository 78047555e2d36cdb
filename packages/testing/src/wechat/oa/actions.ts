import { randomInt } from 'node:crypto'
import type { WechatOpenSimulator } from '../open/index.js'
import { cdata } from './crypto.js'
import { deliverPush, type OaPushResult, pushXml } from './push.js'
import type { OaFollower, OaMassJob, OaState } from './state.js'

const MINUTE = 60_000
const HOURS_48 = 48 * 3_600_000

/**
 * What simulated users do on their phones — follow, unfollow, scan, write, tap the menu, answer a
 * subscription pop-up — each changing the simulator's state (followers, customer-service windows)
 * and pushing the event to the configured message server.
 */
export function userActions(
  state: OaState,
  open: WechatOpenSimulator,
  schedule: (at: number, task: () => Promise<void>) => void,
  massFinishDelayMs: number,
) {
  const openidOf = (user: string) => open.openid(user)
  const openWindow = (openid: string, ms: number, count: number) =>
    state.windows.set(openid, [
      ...(state.windows.get(openid) ?? []),
      { expiresAt: state.now() + ms, remaining: count },
    ])
  const push = (openid: string, fields: Array<[string, string | number]>, extra = '') =>
    deliverPush(state, pushXml(state, openid, fields, extra), openid)
  const finished = (job: OaMassJob) =>
    schedule(state.now() + massFinishDelayMs, async () => {
      // The report comes from the account's operator side: a system openid, not a follower.
      await push('oSimMassJobReporter00000000', [
        ['MsgType', 'event'],
        ['Event', 'MASSSENDJOBFINISH'],
        ['MsgID', job.msgId],
        ['Status', 'send success'],
        ['TotalCount', job.totalCount],
        ['FilterCount', job.filterCount],
        ['SentCount', job.sentCount],
        ['ErrorCount', job.errorCount],
      ])
    })
  const follow = (user: string): OaFollower => {
    const openid = openidOf(user)
    const f = state.followers.get(openid) ?? {
      user: open.user(user).name,
      openid,
      followed: false,
      subscribeTime: 0,
      tags: new Set<number>(),
      massByMonth: new Map<string, number>(),
    }
    if (!f.followed) {
      // A re-follow moves the user to the end of the follower list, as the last follow.
      state.followers.delete(openid)
      state.followers.set(openid, { ...f, followed: true, subscribeTime: Math.floor(state.now() / 1000) })
    }
    openWindow(openid, MINUTE, 3)
    return state.followers.get(openid)!
  }
  const ticketScene = (ticket: string): string => {
    const qr = state.qr.get(ticket)
    if (!qr || (qr.expiresAt !== null && qr.expiresAt <= state.now()))
      throw new Error('[loopkit] [testing] This QR ticket is unknown or expired.')
    return qr.scene
  }

  const actions = {
    /** The user follows (from a parametric QR code with `ticket`): `subscribe` pushed. */
    follow({ user, ticket }: { user: string; ticket?: string }): Promise<OaPushResult> {
      const scene = ticket ? ticketScene(ticket) : null
      const f = follow(user)
      const key: Array<[string, string]> = scene
        ? [
            ['EventKey', `qrscene_${scene}`],
            ['Ticket', ticket!],
          ]
        : []
      return push(f.openid, [['MsgType', 'event'], ['Event', 'subscribe'], ...key])
    },
    unfollow({ user }: { user: string }): Promise<OaPushResult> {
      const openid = openidOf(user)
      const f = state.followers.get(openid)
      if (f) f.followed = false
      state.windows.delete(openid)
      return push(openid, [
        ['MsgType', 'event'],
        ['Event', 'unsubscribe'],
      ])
    },
    /** Scans a QR code: `SCAN` for a follower, a follow with the scene otherwise. */
    scan({ user, ticket }: { user: string; ticket: string }): Promise<OaPushResult> {
      const f = state.followers.get(openidOf(user))
      if (!f?.followed) return actions.follow({ user, ticket })
      const scene = ticketScene(ticket)
      openWindow(f.openid, MINUTE, 3)
      return push(f.openid, [
        ['MsgType', 'event'],
        ['Event', 'SCAN'],
        ['EventKey', scene],
        ['Ticket', ticket],
      ])
    },
    /** The user writes to the account: opens 5 customer-service messages for 48 h. */
    sendText({ user, content }: { user: string; content: string }): Promise<OaPushResult> {
      const openid = openidOf(user)
      openWindow(openid, HOURS_48, 5)
      const msgId = `${Date.now()}${randomInt(100_000, 999_999)}`.slice(0, 19)
      return push(openid, [
        ['MsgType', 'text'],
        ['Content', content],
        ['MsgId', msgId],
      ])
    },
    /** A menu `click` button (3 messages / 1 min) or a `view` link (no window). */
    menu({
      user,
      event,
      key,
    }: {
      user: string
      event: 'CLICK' | 'VIEW'
      key: string
    }): Promise<OaPushResult> {
      const openid = openidOf(user)
      if (event === 'CLICK') openWindow(openid, MINUTE, 3)
      return push(openid, [
        ['MsgType', 'event'],
        ['Event', event],
        ['EventKey', key],
      ])
    },
    /** The user answers a subscription-notification pop-up (`accept`/`reject` per template). */
    subscriptionPopup({
      user,
      choices,
    }: {
      user: string
      choices: Array<{ templateId: string; status: 'accept' | 'reject' }>
    }) {
      const openid = openidOf(user)
      for (const c of choices) {
        // One acceptance is one send; a rejection ends the subscription (reference §9.3).
        const key = `${openid}:${c.templateId}`
        state.credits.set(key, c.status === 'accept' ? (state.credits.get(key) ?? 0) + 1 : 0)
      }
      const list = choices
        .map(
          (c) =>
            `<List><TemplateId>${cdata(c.templateId)}</TemplateId><SubscribeStatusString>${cdata(c.status)}</SubscribeStatusString><PopupScene>2</PopupScene></List>`,
        )
        .join('')
      return push(
        openidOf(user),
        [
          ['MsgType', 'event'],
          ['Event', 'subscribe_msg_popup_event'],
        ],
        `<SubscribeMsgPopupEvent>${list}</SubscribeMsgPopupEvent>`,
      )
    },
  }
  return { actions, openidOf, push, finished }
}
