import type { NotificationTemplate, NotificationTopic } from '@loopkit/core'
import { yuan } from './html.js'

/**
 * The shop's own notification texts, bilingual. The `fields` keep the names of the loop's default
 * templates (`orderNumber`, `amount`, `title`) so template-based channels such as WeChat map them
 * the same way; links are absolute because a WeChat template message opens them outside the site.
 */
export function templates(origin: string): Partial<Record<NotificationTopic, NotificationTemplate>> {
  return {
    'order.paid': ({ order }) =>
      order
        ? {
            topic: 'order.paid',
            title: '付款成功 Payment received',
            body: `订单 ${order.number} 已收到 ${yuan(order.total, order.currency)}，我们会尽快发货。We received ${yuan(order.total, order.currency)} for order ${order.number}; it ships soon.`,
            url: `${origin}/orders/${order.id}`,
            fields: {
              orderNumber: order.number,
              amount: yuan(order.total, order.currency),
              title: order.lines[0]?.title ?? order.number,
            },
          }
        : null,
    'order.fulfilled': ({ order }) =>
      order
        ? {
            topic: 'order.fulfilled',
            title: '已发货 Order shipped',
            body: `订单 ${order.number} 已发货。Order ${order.number} is on its way.`,
            url: `${origin}/orders/${order.id}`,
            fields: { orderNumber: order.number, title: order.lines[0]?.title ?? order.number },
          }
        : null,
    'order.refunded': ({ order, refund }) =>
      order && refund
        ? {
            topic: 'order.refunded',
            title: '退款成功 Refund issued',
            body: `订单 ${order.number} 已退款 ${yuan(refund.amount, refund.currency)}。${yuan(refund.amount, refund.currency)} was refunded for order ${order.number}.`,
            url: `${origin}/orders/${order.id}`,
            fields: {
              orderNumber: order.number,
              amount: yuan(refund.amount, refund.currency),
              title: order.lines[0]?.title ?? order.number,
            },
          }
        : null,
    'reward.accrued': ({ reward }) =>
      reward
        ? {
            topic: 'reward.accrued',
            title: '推荐奖励 Referral reward',
            body: `朋友通过你的链接下单，你获得 ${yuan(reward.amount, reward.currency)}。A friend bought through your link: you earned ${yuan(reward.amount, reward.currency)}.`,
            fields: { amount: yuan(reward.amount, reward.currency), title: '推荐奖励 Referral reward' },
          }
        : null,
  }
}
