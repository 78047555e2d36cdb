// Every colour, radius and font comes from a custom property, so a page themes the card from
// outside the shadow root: `loopkit-share-card { --loopkit-accent: #c00 }`.
export const styles = `
:host{display:block;max-width:420px;font-family:var(--loopkit-font,system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif);color:var(--loopkit-fg,#111);--a:var(--loopkit-accent,#07c160);--r:var(--loopkit-radius,12px)}
:host([hidden]){display:none}
.card{background:var(--loopkit-bg,#fff);border:1px solid var(--loopkit-border,#e5e5e5);border-radius:var(--r);overflow:hidden}
.card>img{display:block;width:100%;aspect-ratio:1;object-fit:cover;background:#f4f4f4}
.body{padding:16px}
h3{margin:0 0 6px;font-size:1.1em;line-height:1.35}
p{margin:0 0 8px;color:var(--loopkit-muted,#666);font-size:.9em;line-height:1.5}
.price{color:var(--a);font-weight:700;font-size:1.3em;margin:0}
.actions{display:flex;flex-wrap:wrap;gap:8px;padding:0 16px 16px}
button,.btn{font:inherit;font-size:.9em;cursor:pointer;border:1px solid var(--loopkit-border,#e5e5e5);background:var(--loopkit-bg,#fff);color:inherit;border-radius:calc(var(--r)/1.5);padding:8px 12px;text-decoration:none;line-height:1.2;display:inline-block}
button.primary,.btn.primary{background:var(--a);border-color:var(--a);color:var(--loopkit-accent-text,#fff)}
button:focus-visible,a:focus-visible,.dialog:focus-visible{outline:2px solid var(--a);outline-offset:2px}
.status{padding:0 16px 12px;margin:0;min-height:1em;word-break:break-all}
.backdrop{position:fixed;inset:0;background:var(--loopkit-backdrop,rgba(0,0,0,.6));display:flex;align-items:center;justify-content:center;z-index:2147483647}
.dialog{position:relative;background:var(--loopkit-bg,#fff);border-radius:var(--r);padding:20px;max-width:min(360px,90vw);max-height:90vh;overflow:auto;text-align:center;box-sizing:border-box}
.dialog h2{font-size:1em;margin:0 24px 12px}
.close{position:absolute;top:8px;right:8px;border:0;background:none;font-size:1.4em;padding:2px 8px}
.qr{width:232px;margin:0 auto 8px}
.qr svg{display:block;width:100%;height:auto}
.poster{display:block;width:100%;max-width:280px;margin:0 auto 12px;border-radius:4px;box-shadow:0 1px 6px rgba(0,0,0,.2)}
.row{display:flex;gap:8px;justify-content:center}
.guide{background:none;color:#fff;align-self:flex-start;margin:8px 12px 0 auto;text-align:right;padding-top:64px}
.guide::before{content:"↗";position:absolute;top:-4px;right:4px;font-size:64px;line-height:1}
.guide h2{font-size:1.2em;margin:0;line-height:1.6}
.guide .close{color:#fff;position:static;margin-top:24px;border:1px solid #fff;font-size:1em;padding:8px 16px}
`
