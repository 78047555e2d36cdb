import type { ShareCardData } from './api.js'
import { type CardController, createController } from './controller.js'

/**
 * The `<loopkit-share-card>` element's own API, beyond `HTMLElement`.
 *
 * @example
 * ```ts
 * const el = document.querySelector('loopkit-share-card') as ShareCardElement
 * el.addEventListener('loopkit-share', () => console.log('shared', el.card?.title))
 * el.setAttribute('token', nextToken) // loads the other share's card
 * ```
 */
export interface ShareCardElement extends HTMLElement {
  /** The loaded card, or `null` while loading or after a failure. */
  readonly card: ShareCardData | null
  /** Loads the card again (after the share changed on the server, say). */
  reload(): void
}

const observed = ['endpoint', 'token', 'sku', 'lang']

/**
 * Builds the element class. It is created on demand, never at import time, because
 * `HTMLElement` does not exist during server rendering.
 */
function createShareCardClass(): new () => ShareCardElement {
  return class extends HTMLElement implements ShareCardElement {
    static observedAttributes = observed
    private c: CardController = createController(this, this.attachShadow({ mode: 'open' }))
    private queued = false

    get card(): ShareCardData | null {
      return this.c.card()
    }

    reload(): void {
      this.c.load()
    }

    connectedCallback(): void {
      this.schedule()
    }

    disconnectedCallback(): void {
      this.c.closeDialog()
    }

    attributeChangedCallback(): void {
      if (this.isConnected) this.schedule()
    }

    /** Setting several attributes in a row loads once, at the end of the task. */
    private schedule(): void {
      if (this.queued) return
      this.queued = true
      queueMicrotask(() => {
        this.queued = false
        if (this.isConnected) this.c.load()
      })
    }
  }
}

/**
 * Registers `<loopkit-share-card>` (or another tag name) once; later calls return the same class.
 * Does nothing and returns `undefined` where there is no `customElements` (server rendering).
 *
 * @example
 * ```ts
 * import { defineShareCard } from '@loopkit/widget'
 * defineShareCard()
 * // <loopkit-share-card endpoint="https://shop.example/loop" token="…"></loopkit-share-card>
 * ```
 */
export function defineShareCard(tagName = 'loopkit-share-card'): (new () => ShareCardElement) | undefined {
  if (typeof customElements === 'undefined' || typeof HTMLElement === 'undefined') return undefined
  const existing = customElements.get(tagName) as (new () => ShareCardElement) | undefined
  if (existing) return existing
  const ShareCard = createShareCardClass()
  customElements.define(tagName, ShareCard)
  return ShareCard
}
