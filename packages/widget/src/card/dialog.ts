import { h } from '../_internal/dom.js'

let nextId = 0

export interface DialogOptions {
  root: ShadowRoot
  /** Gets the focus back when the dialog closes. */
  opener: HTMLElement | null
  title: string
  closeLabel: string
  body: Node[]
  /** Extra class on the dialog (`guide` draws the WeChat ··· hint). */
  variant?: string
  onClose?: () => void
}

/**
 * A modal dialog in the card's shadow root: `role="dialog"`, `aria-modal`, labelled by its title;
 * Tab and Shift+Tab cycle inside it, Escape or a click on the backdrop closes it, and the focus
 * returns to the button that opened it. Returns the function that closes it.
 */
export function openDialog(options: DialogOptions): () => void {
  const { root, opener } = options
  const id = `loopkit-dialog-${++nextId}`
  let open = true
  const close = () => {
    if (!open) return
    open = false
    backdrop.remove()
    options.onClose?.()
    opener?.focus()
  }
  const dialog = h(
    'div',
    {
      role: 'dialog',
      'aria-modal': 'true',
      'aria-labelledby': id,
      tabindex: '-1',
      class: `dialog ${options.variant ?? ''}`,
      part: 'dialog',
    },
    h('h2', { id }, options.title),
    ...options.body,
    h('button', { type: 'button', class: 'close', 'aria-label': options.closeLabel, onclick: close }, '×'),
  )
  const backdrop = h(
    'div',
    {
      class: 'backdrop',
      part: 'backdrop',
      onclick: (e) => {
        if (e.target === backdrop || options.variant === 'guide') close()
      },
    },
    dialog,
  )
  dialog.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.stopPropagation()
      close()
    } else if (e.key === 'Tab') {
      const items = [...dialog.querySelectorAll<HTMLElement>('button,a[href]')]
      const first = items[0]!
      const last = items[items.length - 1]!
      const active = root.activeElement
      if (e.shiftKey ? active === first || active === dialog : active === last) {
        e.preventDefault()
        ;(e.shiftKey ? last : first).focus()
      }
    }
  })
  root.append(backdrop)
  const first = dialog.querySelector<HTMLElement>('button:not(.close),a[href]') ?? dialog
  first.focus()
  return close
}
