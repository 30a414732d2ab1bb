/** The trace pages' stylesheet, inline (the page has no other file). Colours pass WCAG AA on white. */
export const pageStyles = `
:root { font-family: system-ui, sans-serif; color: #1a1a1a; background: #fff; line-height: 1.4; }
body { margin: 0; }
header nav { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; padding: 0.75rem 1rem; background: #f2f4f7; border-bottom: 1px solid #d0d5dd; }
main { padding: 0 1rem 2rem; max-width: 90rem; }
a { color: #0b57d0; }
h1 { font-size: 1.4rem; overflow-wrap: break-word; }
h2 { font-size: 1.15rem; margin-top: 1.5rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.35rem 0.6rem; border-bottom: 1px solid #e4e7ec; vertical-align: top; }
td:first-child a { overflow-wrap: anywhere; }
.number { text-align: right; font-variant-numeric: tabular-nums; }
tr.error td, strong.error-mark { color: #b42318; }
code { font-size: 0.9em; overflow-wrap: anywhere; }
.legend { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; padding: 0; }
.legend li { display: flex; align-items: center; gap: 0.35rem; }
.swatch { display: inline-block; width: 1.5rem; height: 0.8rem; border-radius: 2px; background: var(--kind); }
.kind-server { --kind: #1d4ed8; }
.kind-consumer { --kind: #7e22ce; }
.kind-client { --kind: #047857; }
.kind-producer { --kind: #c2410c; }
.kind-internal { --kind: #475467; }
.waterfall { border: 1px solid #d0d5dd; border-radius: 4px; }
.axis, summary { display: grid; grid-template-columns: 1.25rem minmax(14rem, 40%) 1fr; align-items: center; gap: 0 0.75rem; padding: 0.3rem 1.5rem 0.3rem 0.5rem; }
.axis { border-bottom: 1px solid #d0d5dd; font-size: 0.8rem; color: #475467; }
.axis .track { position: relative; height: 1.1rem; background: none; }
.tick { position: absolute; top: 0; transform: translateX(-50%); white-space: nowrap; }
.tick:first-child { transform: none; }
.spans { list-style: none; margin: 0; padding: 0; }
.span { border-bottom: 1px solid #eef0f3; }
.span:last-child { border-bottom: 0; }
summary { cursor: pointer; }
summary::marker { content: ''; }
summary::before { content: '▸'; color: #475467; }
details[open] > summary::before { content: '▾'; }
summary:hover, summary:focus-visible { background: #f5f8ff; }
.name { display: flex; gap: 0.4rem; align-items: baseline; min-width: 0; overflow-wrap: break-word; }
.name .kind { flex: none; white-space: nowrap; font-size: 0.75rem; color: #fff; background: var(--kind); border-radius: 3px; padding: 0 0.3rem; }
.name .duration { margin-left: auto; padding-left: 0.5rem; font-variant-numeric: tabular-nums; color: #475467; white-space: nowrap; }
.track { position: relative; height: 1rem; background: #f8f9fb; }
.bar { position: absolute; top: 0; bottom: 0; min-width: 2px; border-radius: 2px; background: var(--kind); }
.span.error .bar { background: repeating-linear-gradient(45deg, var(--kind) 0 6px, #b42318 6px 10px); outline: 2px solid #b42318; }
.span-detail { padding: 0.25rem 1rem 0.75rem 2.5rem; font-size: 0.9rem; }
.span-detail dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 1rem; margin: 0; }
.span-detail dt { color: #475467; }
.span-detail dd { margin: 0; overflow-wrap: anywhere; font-family: ui-monospace, monospace; }
.links { margin: 0 0 0.4rem; font-size: 0.9rem; }
@media (max-width: 700px) {
  summary { grid-template-columns: 1.25rem 1fr; }
  summary .track { grid-column: 2; margin-top: 0.25rem; }
  .axis { display: none; }
}
`;
