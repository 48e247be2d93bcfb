import { nanosToCents } from '../cost/money.js';
import { alertView, type AlertDoc } from './alertDoc.js';

export type WebhookFormat = 'generic' | 'teams' | 'slack';

/** One line a person reads first, in every format. */
export function alertHeadline(doc: AlertDoc): string {
  const basis = doc.on === 'forecast' ? 'forecast to reach' : 'reached';
  const period = doc.period === 'monthly' ? doc.periodKey : `day ${doc.periodKey}`;
  return `Budget ${doc.scope} ${basis} ${doc.threshold}% (${period})${doc.hard && doc.threshold >= 100 ? ' — hard budget, calls are blocked' : ''}`;
}

function facts(doc: AlertDoc): [string, string][] {
  const money = (nanos: string) => `${nanosToCents(BigInt(nanos))} ${doc.currency}`;
  return [
    ['Budget', `${money(doc.amountNanos)} ${doc.period}${doc.hard ? ' (hard)' : ''}`],
    ['Spent', money(doc.spentNanos)],
    ['Forecast', money(doc.forecastNanos)],
    ['Period', `${doc.periodStart} to ${doc.periodEnd} (UTC)`],
    ['Unpriced requests', String(doc.unpricedRequests)],
  ];
}

/**
 * Teams: the Workflows "when a Teams webhook request is received" trigger takes a message whose
 * attachments hold Adaptive Cards (test/fixtures/api-shapes/teams_*.src.txt gives the source).
 */
function teamsBody(doc: AlertDoc): unknown {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              size: 'Medium',
              weight: 'Bolder',
              text: alertHeadline(doc),
              wrap: true,
              color: doc.threshold >= 100 ? 'Attention' : 'Warning',
            },
            { type: 'FactSet', facts: facts(doc).map(([title, value]) => ({ title, value })) },
          ],
        },
      },
    ],
  };
}

/** Slack incoming webhook: `text` is the notification fallback, `blocks` the message. */
function slackBody(doc: AlertDoc): unknown {
  const headline = alertHeadline(doc);
  return {
    text: headline,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${escapeSlack(headline)}*` } },
      {
        type: 'section',
        fields: facts(doc).map(([title, value]) => ({
          type: 'mrkdwn',
          text: `*${title}*\n${escapeSlack(value)}`,
        })),
      },
    ],
  };
}

/** Slack's three control characters in mrkdwn (docs: "Escaping text"). */
const escapeSlack = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The exact bytes posted (and signed). */
export function alertBody(doc: AlertDoc, format: WebhookFormat): string {
  const body =
    format === 'teams'
      ? teamsBody(doc)
      : format === 'slack'
        ? slackBody(doc)
        : { type: 'chargeback.budget.threshold', text: alertHeadline(doc), alert: alertView(doc) };
  return JSON.stringify(body);
}
