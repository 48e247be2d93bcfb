import type { Services } from '../shared/app/services.js';
import { nanosToDecimal } from '../shared/cost/money.js';
import { ingestStream } from '../shared/pipeline/ingestStream.js';
import { readEvents } from '../shared/pipeline/readEvents.js';
import type { UsageRecord } from '../shared/pipeline/record.js';

/**
 * Ingests the demo's audio chat, transcription, image, DALL-E and speech events and says what each
 * became: its cost and token kinds, or why it is unpriced.
 */
export async function demoMultimodalLines(services: Services, file: string): Promise<string[]> {
  await ingestStream(readEvents(file), services.ingest, services.spill);
  const { resources } = await services.database
    .container('usage')
    .items.query<UsageRecord>({
      query:
        'SELECT * FROM c WHERE c.operation IN (@transcriptions, @generations, @speech) OR IS_DEFINED(c.tokenKinds) ORDER BY c.eventTime',
      parameters: [
        { name: '@transcriptions', value: 'transcriptions' },
        { name: '@generations', value: 'generations' },
        { name: '@speech', value: 'speech' },
      ],
    })
    .fetchAll();
  return resources.map((r) => {
    const kinds = r.tokenKinds === undefined ? '' : ` ${JSON.stringify(r.tokenKinds)}`;
    const images =
      r.images === undefined
        ? ''
        : ` ${r.images.count} image(s) ${r.images.quality ?? ''} ${r.images.size ?? ''}`;
    const what = `${r.model} ${r.operation}: ${r.promptTokens} in, ${r.completionTokens} out${kinds}${images}`;
    return r.costNanos === null
      ? `  ${what} → ${r.costStatus}: ${r.unpricedReason ?? ''}`
      : `  ${what} → ${nanosToDecimal(r.costNanos)} ${r.currency} (priceSet ${r.priceSetId ?? ''})`;
  });
}
