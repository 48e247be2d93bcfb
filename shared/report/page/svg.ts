import { escapeHtml } from './escape.js';

/** Coordinates to 0.01 px: smaller diffs, same picture. */
export const px = (n: number): string => String(Math.round(n * 100) / 100);

/** Long names would run into the bars; the full name stays in the element's <title>. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The root element: sized by viewBox so it scales to the page and prints crisply. */
export function svgRoot(width: number, height: number, title: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" ` +
    `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="12">` +
    `<title>${escapeHtml(title)}</title>${body}</svg>`
  );
}
