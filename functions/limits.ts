import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';

import { sharedServices } from '../shared/app/lazyServices.js';
import { limitsResponse } from '../shared/budgets/limitsHttp.js';

/** GET /api/limits/{appId}: the gateway's question, "may this app still spend?". A shell. */
export async function limits(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return limitsResponse(
    request.params.appId ?? '',
    () => sharedServices(),
    (m) => {
      context.error(m);
    },
  );
}

app.http('limits', {
  route: 'limits/{appId}',
  methods: ['GET'],
  authLevel: 'function',
  handler: limits,
});
