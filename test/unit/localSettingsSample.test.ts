import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { BlobServiceClient } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';

import { DEFAULT_CERT_FILE, DEFAULT_PORTS } from '../../local/localDefaults.js';

const sample = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../local.settings.sample.json', import.meta.url)), 'utf8'),
) as { Values: Record<string, string> };

describe('local.settings.sample.json points at what `npm run local` starts', () => {
  it('names the fixed ports of the Cosmos, Graph and Retail Prices stand-ins and Azurite', () => {
    const v = sample.Values;
    expect(v.COSMOS_ENDPOINT).toBe(`https://127.0.0.1:${DEFAULT_PORTS.cosmos}/`);
    expect(v.GRAPH_BASE_URL).toBe(`https://127.0.0.1:${DEFAULT_PORTS.graph}`);
    expect(v.GRAPH_AUTH).toBe('none');
    expect(v.RETAIL_PRICES_URL).toBe(`https://127.0.0.1:${DEFAULT_PORTS.retail}/api/retail/prices`);
    const blob = new URL(BlobServiceClient.fromConnectionString(v.AzureWebJobsStorage ?? '').url);
    expect([blob.hostname, Number(blob.port)]).toEqual(['127.0.0.1', DEFAULT_PORTS.blob]);
  });

  it('trusts the certificate file the runner writes', () => {
    expect(sample.Values.CHARGEBACK_TRUSTED_CA_FILE).toBe(DEFAULT_CERT_FILE.split('\\').join('/'));
  });
});
