import { describe, expect, it } from 'vitest';

import { batchFamily, classifyBookMeter } from '../../../shared/pricing/batchMeter.js';
import { classifyMeter } from '../../../shared/pricing/meterName.js';
import type { RetailPriceItem } from '../../../shared/pricing/types.js';
import { readApiShape } from '../../helpers/apiShapes.js';

const item = (file: string) => readApiShape(file) as RetailPriceItem;

describe('batch meters in the price book', () => {
  it('reads the real gpt-4o 0806 and gpt-4o-mini 0718 batch meters under a batch family', () => {
    expect(classifyBookMeter(item('retail_aoai_gpt4o_0806_batch_output_global_eastus.json'))).toEqual({
      priced: true,
      meter: {
        family: 'gpt-4o batch',
        version: '0806',
        kind: 'output',
        deploymentType: 'global',
        unitSize: 1000,
      },
    });
    expect(
      classifyBookMeter(item('retail_aoai_gpt4o_mini_0718_batch_input_global_eastus.json')),
    ).toMatchObject({
      priced: true,
      meter: { family: batchFamily('gpt-4o-mini'), version: '0718', kind: 'input' },
    });
  });

  it('leaves standard meters as classifyMeter reads them, and batch non-token meters excluded', () => {
    const standard = item('retail_aoai_gpt4o_0806_input_global_eastus.json');
    expect(classifyBookMeter(standard)).toEqual(classifyMeter(standard));
    const whisper = item('retail_aoai_whisper_batch_global_eastus2.json');
    expect(classifyBookMeter(whisper)).toEqual({ priced: false, reason: 'batch meter' });
  });

  it('keeps a batch meter out of every standard key: no normalized family holds a space', () => {
    const standard = classifyMeter(item('retail_aoai_gpt4o_0806_batch_output_global_eastus.json'));
    expect(standard).toEqual({ priced: false, reason: 'batch meter' });
  });
});
