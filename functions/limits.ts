import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';

import { limitsAnswerer } from '../shared/app/budgetDeps.js';
import { sharedServices } from '../shared/app/lazyServices.js';
import { limitsResponse } from '../shared/budgets/limitsHttp.js';

/** GET /api/limits/{appId}: the gateway's question, "may this app still spend?". A shell. */
export async function limits(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return limitsResponse(
    request.params.appId ?? '',
    async () => limitsAnswerer(await sharedServices()),
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
