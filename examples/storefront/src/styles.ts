/** The shop's stylesheet, served at `/assets/site.css`: paper, ink and osmanthus gold. */
export const css = `
:root{--ink:#2b211a;--muted:#7a6a5c;--paper:#faf6ef;--card:#fff;--line:#e7ddcf;--accent:#b5452b;--accent-ink:#fff;
--gold:#d9a441;--ok:#2f7d4a;--warn:#b7791f;--bad:#b42318;--radius:12px;--loopkit-accent:#b5452b;
--font:system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;
--loopkit-font:var(--font)}
*{box-sizing:border-box}
body{margin:0;background:var(--paper);color:var(--ink);font:16px/1.55 var(--font);overflow-wrap:break-word}
a{color:var(--accent)}
.en{color:var(--muted);font-size:.9em}
h1 .en,h2 .en,.btn .en,nav .en,th .en{font-size:.8em}
header.site{background:var(--ink);color:#f8efe2}
header.site .bar{max-width:1040px;margin:auto;display:flex;gap:1.2rem;align-items:center;padding:.7rem 1rem;flex-wrap:wrap}
header.site a{color:#f8efe2;text-decoration:none}
header.site .brand{font-weight:700;font-size:1.15rem;margin-right:auto}
header.site .brand small{color:var(--gold);font-weight:400;margin-left:.4rem}
header.site .en{color:#cdbca8}
header.site .who{color:var(--gold)}
main{max-width:1040px;margin:auto;padding:1.5rem 1rem 3rem}
footer{max-width:1040px;margin:auto;padding:1rem;color:var(--muted);font-size:.85rem;border-top:1px solid var(--line)}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);overflow:hidden}
.card .body{padding:.8rem 1rem 1rem}
.card img,.hero img{display:block;width:100%;height:auto;aspect-ratio:3/2;object-fit:cover;background:#f3ece1}
.card h2{font-size:1.05rem;margin:.1rem 0 .3rem}
.card a{text-decoration:none;color:inherit}
.price{font-weight:700;color:var(--accent);font-size:1.1rem}
.stock{color:var(--muted);font-size:.85rem}
.hero{display:grid;grid-template-columns:minmax(0,1.1fr) minmax(0,1fr);gap:1.5rem;align-items:start}
@media (max-width:760px){.hero{grid-template-columns:1fr}}
.hero img{border-radius:var(--radius);border:1px solid var(--line)}
.panel{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:1rem 1.2rem;margin:1rem 0}
.btn,.loop-page button{display:inline-block;border:0;border-radius:999px;padding:.6rem 1.3rem;font:inherit;font-weight:600;cursor:pointer;
text-decoration:none;background:var(--accent);color:var(--accent-ink)}
.btn .en{color:inherit;opacity:.8}
.btn.secondary,.loop-page button.secondary{background:transparent;color:var(--accent);border:1.5px solid var(--accent)}
.btn[disabled]{opacity:.5;cursor:progress}
.row{display:flex;gap:.8rem;align-items:center;flex-wrap:wrap}
input[type=number],input:not([type]),input[type=text],input[type=password]{padding:.45rem;border:1px solid var(--line);border-radius:8px;font:inherit}
input[type=number]{width:5rem}
.notice{background:#fff7e6;border:1px solid #f3d9a8;border-radius:var(--radius);padding:.7rem 1rem;margin:0 0 1rem}
.error{background:#fdecea;border-color:#f5c2bd;color:var(--bad)}
.badge{display:inline-block;border-radius:999px;padding:.1rem .6rem;font-size:.8rem;font-weight:600;background:#eee;color:#444}
.badge.paid,.badge.sent,.badge.fulfilled,.badge.released{background:#e3f3e8;color:var(--ok)}
.badge.pending,.badge.held{background:#fff3d6;color:var(--warn)}
.badge.dead,.badge.expired,.badge.cancelled,.badge.clawed_back,.badge.refunded{background:#fdecea;color:var(--bad)}
table{width:100%;border-collapse:collapse;font-size:.92rem}
th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code{font-size:.85em;background:#f3ece1;border-radius:4px;padding:.05rem .3rem}
.messages{list-style:none;padding:0;margin:0}
.messages li{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:.8rem 1rem;margin:.6rem 0}
.messages h3{margin:0 0 .2rem;font-size:1rem}
.messages .meta{color:var(--muted);font-size:.8rem}
.funnel text{font:13px var(--font);fill:var(--ink)}
.funnel .count{font-weight:700}
.tabs{display:flex;gap:.5rem;margin:.4rem 0 .8rem}
.sections{display:grid;gap:1rem}
loopkit-share-card{display:block;max-width:420px;margin-top:.6rem}
loopkit-share-card::part(dialog){overflow-wrap:anywhere}
header.site .logout{margin:0}
header.site .logout .btn{padding:.2rem .8rem;color:#f8efe2;border-color:#f8efe2}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
.table-wrap table{min-width:36rem}
.sections,.sections>*{min-width:0}
.funnel{max-width:100%;height:auto}
@media (max-width:600px){
header.site .bar{gap:.4rem .9rem;padding:.6rem .8rem}
header.site .brand{flex-basis:100%}
main{padding:1rem .8rem 2.5rem}
#orders,#orders tbody,#orders tr,#orders td{display:block;min-width:0}
#orders thead{display:none}
#orders tr{padding:.55rem 0;border-bottom:1px solid var(--line)}
#orders td{border:0;padding:.1rem 0;text-align:left}
.panel{padding:.8rem .9rem}
h1{font-size:1.5rem}
}
.admin-login{max-width:26rem}
.admin-login label{display:block;font-weight:600;margin:0 0 .35rem}
.admin-login input{width:100%;margin:0 0 1rem}
.loop-page{max-width:34rem}
.loop-page h1{font-size:1.4rem;line-height:1.35}
.loop-page p{white-space:pre-line}
.loop-page label{display:block;font-weight:600;margin:0 0 .35rem}
.loop-page input{width:100%;margin:0 0 1rem}
.loop-page button{margin:0 .5rem .5rem 0}
.loop-page .muted{color:var(--muted);font-size:.9rem}
.loop-page .error{border:1px solid #f5c2bd;border-radius:8px;padding:.6rem .8rem}
.loop-page .amount{font-size:1.6rem;font-weight:700;color:var(--accent)}
.admin-nav{display:flex;flex-wrap:wrap;gap:.3rem 1rem;margin:-.4rem 0 1rem;font-size:.95rem}
.admin-nav strong{color:var(--ink)}
.filter label,.campaign-form label,#save-audience label{display:flex;flex-direction:column;gap:.2rem;font-weight:600;font-size:.9rem}
.filter .fields{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:.6rem .9rem;margin:.6rem 0}
.filter .fields label{justify-content:space-between}
.filter fieldset,.campaign-form fieldset{border:0;padding:0;margin:0;min-width:0}
.filter fieldset[disabled]{opacity:.45}
.filter input,.filter select,.campaign-form input,.campaign-form select,.campaign-form textarea{width:100%;font:inherit;font-weight:400;padding:.45rem;border:1px solid var(--line);border-radius:8px;background:#fff}
.campaign-form{display:grid;gap:.7rem;max-width:40rem}
.campaign-form legend{font-weight:600;font-size:.9rem;margin-bottom:.3rem}
.campaign-form .row select{width:auto;flex:1 1 8rem}
#live-count{font-size:1.05rem}
#audience-count{font-size:1.4rem;color:var(--accent)}
#filter-json{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.8rem}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(6.5rem,1fr));gap:.6rem;margin:.4rem 0 .8rem}
.figure{background:var(--paper);border-radius:8px;padding:.5rem .7rem;display:flex;flex-direction:column}
.figure strong{font-size:1.35rem;font-variant-numeric:tabular-nums}
.figure span{color:var(--muted);font-size:.8rem}
.reasons{list-style:none;padding:0;margin:.2rem 0 .8rem;display:flex;flex-wrap:wrap;gap:.4rem 1rem}
#report h3{font-size:.95rem;margin:.6rem 0 .2rem}
.actions form{margin:0}
@media (max-width:600px){
#customers,#customers tbody,#customers tr,#customers td{display:block;min-width:0}
#customers thead{display:none}
#customers tr{padding:.55rem 0;border-bottom:1px solid var(--line);display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:.1rem .6rem}
#customers td{border:0;padding:.1rem 0;text-align:left}
#customers td.name,#customers td.tags{grid-column:1/-1}
#campaigns,#campaigns tbody,#campaigns tr,#campaigns td{display:block;min-width:0}
#campaigns thead{display:none}
#campaigns tr{display:grid;grid-template-columns:minmax(0,1fr) auto;gap:.1rem .6rem;padding:.55rem 0;border-bottom:1px solid var(--line)}
#campaigns td{border:0;padding:.1rem 0;text-align:left}
#campaigns td[data-label]::before{content:attr(data-label) " ";color:var(--muted);font-weight:600}
#customers td.interaction,#customers td.created{grid-column:span 1}
#customers td[data-label]{font-size:.9rem}
#customers td[data-label]::before{content:attr(data-label) " ";color:var(--muted);font-weight:600}
}
.poster{max-width:26rem}
.poster img{display:block;width:100%;height:auto;border-radius:8px}
.poster-qr{width:12rem;margin:.4rem auto}
.poster-qr svg{display:block;width:100%;height:auto}
.pay-choices{margin:1rem 0;min-width:0}
.pay-choices legend{font-weight:700;padding:0 .3rem}
.pay-choice{display:flex;gap:.6rem;align-items:flex-start;padding:.5rem 0;border-top:1px solid #eee;cursor:pointer}
.pay-choice input{margin-top:.3rem;flex:none}
.pay-choice span{overflow-wrap:anywhere}
`
