import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';

import { sharedServices } from '../../shared/app/lazyServices.js';
import { DependencyError } from '../../shared/errors.js';
import { parseReportQuery, produceReport } from '../../shared/report/reportOutput.js';

/** GET /api/chargeback?from&to&by&format&compare&basis: the CLI's `report`, over HTTP. A shell over shared/report. */
export async function chargebackReport(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const q = request.query;
  const parsed = parseReportQuery({
    from: q.get('from'),
    to: q.get('to'),
    by: q.get('by'),
    format: q.get('format'),
    compare: q.get('compare'),
    basis: q.get('basis'),
  });
  if (!parsed.ok) return { status: 400, jsonBody: { error: parsed.error } };
  try {
    const services = await sharedServices();
    const output = await produceReport(services, parsed.query);
    return {
      status: 200,
      body: output.body,
      headers: {
        'content-type': output.contentType,
        'cache-control': 'no-store',
        ...(output.filename === undefined
          ? {}
          : { 'content-disposition': `attachment; filename="${output.filename}"` }),
      },
    };
  } catch (error) {
    // A store outage is worth a retry by the caller; anything else is a bug and goes to the host.
    if (!(error instanceof DependencyError)) throw error;
    context.error(`chargeback report failed: ${error.message}`);
    return { status: 503, jsonBody: { error: 'the cost store is unavailable; try again shortly' } };
  }
}
