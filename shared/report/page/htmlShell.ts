import { escapeHtml } from './escape.js';

/**
 * No script, no external anything: the CSP forbids both, so an injected name could not run code
 * or load a resource even if escaping were ever missed. Styles are inline for the same reason.
 */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'";

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1f2328; background: #f4f5f7; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 20px 40px; }
header { display: flex; flex-wrap: wrap; align-items: flex-end; justify-content: space-between; gap: 12px; margin-bottom: 16px; }
h1 { font-size: 22px; margin: 0; }
h2 { font-size: 16px; margin: 0 0 12px; }
.period { color: #57606a; margin-top: 2px; }
form { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
input, button { font: inherit; padding: 4px 8px; border: 1px solid #c4c9d0; border-radius: 6px; background: #fff; }
button { background: #1f6feb; border-color: #1f6feb; color: #fff; cursor: pointer; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 12px; margin-bottom: 16px; }
.card, section { background: #fff; border: 1px solid #dfe2e6; border-radius: 10px; padding: 14px 16px; }
section { margin-bottom: 16px; }
.card .label { color: #57606a; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.warn { border-color: #d4a72c; background: #fff8e1; }
.partial { color: #9a6700; font-size: 11px; }
.card small { font-size: 13px; font-weight: 400; color: #57606a; }
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 6px 18px; padding: 0; margin: 8px 0 0; }
ul.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 8px; border-bottom: 1px solid #eceef1; text-align: left; vertical-align: middle; }
th { font-size: 12px; color: #57606a; font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
tfoot td { font-weight: 600; border-top: 2px solid #c4c9d0; border-bottom: 0; }
.id { color: #6e7781; font-size: 11px; font-family: ui-monospace, SFMono-Regular, Consolas, monospace; }
.share { width: 120px; }
.share span { display: block; height: 8px; border-radius: 4px; background: #4e79a7; }
.downloads a { display: inline-block; margin-right: 12px; padding: 6px 12px; border: 1px solid #1f6feb; border-radius: 6px; color: #1f6feb; text-decoration: none; }
.note { color: #57606a; font-size: 12px; }
@media print { body { background: #fff; } form, .downloads { display: none; } section, .card { break-inside: avoid; } }
`;

export function htmlPage(title: string, body: string): string {
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body><main>${body}</main></body></html>\n`
  );
}

export function errorPage(message: string): string {
  return htmlPage(
    'Chargeback: bad request',
    `<h1>Chargeback</h1><section class="warn"><h2>That period cannot be shown</h2><p>${escapeHtml(message)}</p></section>`,
  );
}
