import { app } from '@azure/functions';

import { chargebackPage } from './handlers/chargebackPage.js';

// Registration only: the handler lives in handlers/, which the demo's local front imports without
// registering anything (registering outside the Functions host prints a test-mode warning).
export { chargebackPage };

app.http('chargebackPage', {
  route: 'chargeback/page',
  methods: ['GET'],
  authLevel: 'function',
  handler: chargebackPage,
});
