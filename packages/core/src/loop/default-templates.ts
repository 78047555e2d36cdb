import { displayMoney as money } from '../domain/money.js'
import type { NotificationTemplate, NotificationTopic } from './options.js'

/** Plain templates so a new loop notifies out of the box; replace them through `notifications.templates`. */
export const defaultTemplates: Record<NotificationTopic, NotificationTemplate> = {
  'order.paid': ({ order }) =>
    order
      ? {
          topic: 'order.paid',
          title: 'Payment received',
          body: `We received ${money(order.total, order.currency)} for order ${order.number}.`,
          fields: {
            orderNumber: order.number,
            amount: money(order.total, order.currency),
            title: order.lines[0]?.title ?? order.number,
          },
        }
      : null,
  'order.fulfilled': ({ order }) =>
    order
      ? {
          topic: 'order.fulfilled',
          title: 'Order shipped',
          body: `Order ${order.number} is on its way.`,
          fields: { orderNumber: order.number, title: order.lines[0]?.title ?? order.number },
        }
      : null,
  'order.refunded': ({ order, refund }) =>
    order && refund
      ? {
          topic: 'order.refunded',
          title: 'Refund issued',
          body: `${money(refund.amount, refund.currency)} was refunded for order ${order.number}.`,
          fields: {
            orderNumber: order.number,
            amount: money(refund.amount, refund.currency),
            title: order.lines[0]?.title ?? order.number,
          },
        }
      : null,
  'reward.accrued': ({ reward }) =>
    reward
      ? {
          topic: 'reward.accrued',
          title: 'A friend bought through your link',
          body:
            reward.kind === 'coupon'
              ? `You earned coupon ${reward.coupon}.`
              : `You earned ${money(reward.amount, reward.currency)}.`,
          fields: { amount: money(reward.amount, reward.currency), title: 'Referral reward' },
        }
      : null,
}
