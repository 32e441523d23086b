// The report page's inline stylesheet: no external fonts or files, so the page works offline and as a
// single attachment. Log colours follow the usual xterm palette on a dark background, like GitLab's viewer.
const PALETTE = [
  '#000000', '#cd3131', '#0dbc79', '#e5e510', '#2472c8', '#bc3fbc', '#11a8cd', '#e5e5e5',
  '#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff',
];

const colours = PALETTE.map((c, i) => `.fg${i}{color:${c}}.bg${i}{background-color:${c}}`).join('');

export const PAGE_STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5rem;color:#222;background:#fafafa}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:1.6rem 0 .5rem}
.meta{color:#555;margin-bottom:1rem}
.status{font-weight:600;padding:0 .4em;border-radius:3px;color:#fff}
.st-success{background:#1f883d}.st-failed{background:#cf222e}.st-canceled,.st-manual,.st-running{background:#9a6700}.st-skipped,.st-created,.st-pending{background:#6e7781}
table.summary{border-collapse:collapse}table.summary td,table.summary th{padding:.2rem .8rem;border-bottom:1px solid #ddd;text-align:left}
.chart{overflow-x:auto;background:#fff;border:1px solid #ddd;border-radius:6px;padding:.5rem}
.gantt text{font-size:12px;font-family:ui-monospace,monospace;fill:#333}
.gantt .label.critical{font-weight:700;fill:#000}
.gantt .tick{stroke:#eee}.gantt .tick-label{fill:#888;font-size:10px}
.bar{fill:#6e7781}.bar.status-success{fill:#2da44e}.bar.status-failed{fill:#cf222e}.bar.status-canceled,.bar.status-running{fill:#bf8700}
.bar.critical{stroke:#0a0a0a;stroke-width:2.5}
.segment{opacity:.85}.seg-prepare{fill:#8250df}.seg-pull{fill:#0969da}.seg-services{fill:#1b7c83}
.legend span{display:inline-block;margin-right:1rem;font-size:.85rem}
.legend i{display:inline-block;width:.9rem;height:.9rem;vertical-align:middle;margin-right:.3rem;border-radius:2px}
.job-log{margin:1rem 0;border:1px solid #ddd;border-radius:6px;overflow:hidden}
.job-log h3{margin:0;padding:.4rem .7rem;font-size:1rem;background:#f0f0f0}
.log,.sec-body{white-space:pre-wrap;word-break:break-all;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px;line-height:1.35}
.log{background:#181818;color:#e5e5e5;padding:.5rem .7rem;margin:0}
details.section>summary{cursor:pointer;list-style-position:outside;margin-left:1rem}
details.section .sec-body{padding-left:1rem;border-left:1px solid #444}
.sec-name{display:none}.dur{float:right;color:#999;padding-left:1rem}
.b{font-weight:700}.i{font-style:italic}.u{text-decoration:underline}
${colours}
`;
