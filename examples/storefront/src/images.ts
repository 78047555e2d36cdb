import type { Product } from './catalog.js'

/**
 * Product pictures drawn as SVG, so the example needs no image files and no network. Each is a
 * 600×400 card: a plain background, a simple drawing of the dish and its Chinese name.
 */
const xml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export function productSvg(product: Product): string {
  const { background, accent } = product.art
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 400" width="600" height="400" role="img" aria-label="${xml(product.en)}">
<rect width="600" height="400" fill="${background}"/>
<circle cx="520" cy="70" r="120" fill="${accent}" opacity=".12"/>
<circle cx="70" cy="360" r="90" fill="${accent}" opacity=".1"/>
${drawings[product.art.kind](accent)}
<text x="300" y="368" text-anchor="middle" font-family="'Noto Serif CJK SC','Songti SC',serif" font-size="40" fill="#3b2a1f">${xml(product.zh)}</text>
</svg>`
}

const plate = '<ellipse cx="300" cy="262" rx="210" ry="40" fill="#fff" stroke="#d8cbb8" stroke-width="4"/>'

const drawings: Record<Product['art']['kind'], (accent: string) => string> = {
  // A whole poached duck on a plate.
  duck: (accent) => `${plate}
<ellipse cx="290" cy="210" rx="150" ry="62" fill="#fbf4e8" stroke="${accent}" stroke-width="5"/>
<path d="M410 190 q40 -70 70 -40 q20 20 -20 40 q-20 10 -45 18z" fill="#fbf4e8" stroke="${accent}" stroke-width="5"/>
<circle cx="465" cy="162" r="5" fill="#3b2a1f"/>
<path d="M200 205 q60 30 160 0" fill="none" stroke="${accent}" stroke-width="4" opacity=".6"/>`,
  // A flat, amber pressed duck hanging from a hook.
  pressed: (accent) => `<path d="M300 40 v40" stroke="#6b5a4a" stroke-width="6"/>
<path d="M286 44 q14 -24 28 0" fill="none" stroke="#6b5a4a" stroke-width="6"/>
<path d="M300 80 C200 90 180 200 220 290 Q300 330 380 290 C420 200 400 90 300 80z" fill="${accent}" opacity=".85"/>
<path d="M300 100 C240 110 230 200 250 270 M300 100 C360 110 370 200 350 270" fill="none" stroke="#fbe7c9" stroke-width="5" opacity=".7"/>`,
  // A bowl of soup with noodles and cubes of duck blood.
  bowl: (
    accent,
  ) => `<path d="M130 190 h340 q-10 120 -170 120 q-160 0 -170 -120z" fill="#fff" stroke="#d8cbb8" stroke-width="5"/>
<ellipse cx="300" cy="190" rx="170" ry="34" fill="#f3d9a8"/>
<path d="M170 190 q30 -20 60 0 t60 0 t60 0 t60 0 t40 0" fill="none" stroke="#fdf7ea" stroke-width="6"/>
<rect x="220" y="172" width="34" height="26" rx="4" fill="${accent}"/><rect x="300" y="178" width="34" height="26" rx="4" fill="${accent}"/>
<rect x="360" y="168" width="30" height="24" rx="4" fill="${accent}"/><circle cx="270" cy="196" r="6" fill="#5c8a3a"/><circle cx="350" cy="170" r="6" fill="#5c8a3a"/>`,
  // Small taro in golden syrup, osmanthus flowers on top.
  taro: (
    accent,
  ) => `<path d="M150 180 h300 q-8 110 -150 110 q-142 0 -150 -110z" fill="#fff" stroke="#d8cbb8" stroke-width="5"/>
<ellipse cx="300" cy="180" rx="150" ry="30" fill="#b8632e" opacity=".75"/>
<circle cx="250" cy="176" r="20" fill="#e9dccb"/><circle cx="300" cy="170" r="22" fill="#efe3d2"/><circle cx="350" cy="178" r="19" fill="#e6d7c4"/>
${[230, 270, 320, 365, 300].map((x, i) => `<circle cx="${x}" cy="${160 + (i % 2) * 14}" r="5" fill="${accent}"/>`).join('')}`,
  // A glass of green tea with needle-shaped leaves.
  tea: (accent) => `<path d="M220 90 h160 l-20 210 h-120z" fill="#eef6e6" stroke="#b9c9ae" stroke-width="5"/>
<path d="M226 150 h148 l-15 150 h-118z" fill="${accent}" opacity=".25"/>
${[250, 280, 310, 340, 265, 325].map((x, i) => `<path d="M${x} ${170 + i * 18} l14 -22" stroke="${accent}" stroke-width="5" stroke-linecap="round"/>`).join('')}
<path d="M380 130 q50 10 40 60 q-8 30 -45 30" fill="none" stroke="#b9c9ae" stroke-width="6"/>`,
}

/** The shop's icon: a duck's head on the brand's dark square (served at `/favicon.svg` and `/favicon.ico`). */
export const faviconSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
<rect width="64" height="64" rx="14" fill="#2b211a"/>
<ellipse cx="28" cy="42" rx="20" ry="12" fill="#fbf4e8"/>
<circle cx="40" cy="24" r="11" fill="#fbf4e8"/>
<path d="M49 22 l11 3 -11 4z" fill="#d9a441"/>
<circle cx="42" cy="21" r="2.2" fill="#2b211a"/>
</svg>`
