// The one module with a side effect: importing it registers <loopkit-share-card>. Safe on the
// server too, where defineShareCard() finds no `customElements` and does nothing.
import { defineShareCard } from './card/element.js'

defineShareCard()
