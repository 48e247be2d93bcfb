import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';

import { sharedServices } from '../../shared/app/lazyServices.js';
import { PAGE_CSP } from '../../shared/report/page/htmlShell.js';
import { chargebackPageHtml } from '../../shared/report/page/servePage.js';

/** GET /api/chargeback/page?from&to&basis: one self-contained HTML page (server-side SVG, no script). */
export async function chargebackPage(
  request: HttpRequest,
  _context: InvocationContext,
): Promise<HttpResponseInit> {
  const q = request.query;
  const services = await sharedServices();
  const page = await chargebackPageHtml(
    services,
    { from: q.get('from'), to: q.get('to'), code: q.get('code'), basis: q.get('basis') },
    new Date(),
  );
  return {
    status: page.status,
    body: page.html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': PAGE_CSP,
      'x-content-type-options': 'nosniff',
      // The page shows cost per app and carries the function key in its links: never cache it.
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    },
  };
}
