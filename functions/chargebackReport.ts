import { app } from '@azure/functions';

import { chargebackReport } from './handlers/chargebackReport.js';

// Registration only: the handler lives in handlers/, which the demo's local front imports without
// registering anything (registering outside the Functions host prints a test-mode warning).
export { chargebackReport };

app.http('chargebackReport', {
  route: 'chargeback',
  methods: ['GET'],
  authLevel: 'function',
  handler: chargebackReport,
});
