import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';

import type { Settings } from '../config.js';
import { openSpillContainer } from '../spill/blobSpill.js';

/**
 * Where Cost Management delivers the exports: `INVOICE_STORAGE` (a connection string, or an
 * https blob service URI reached with the app's identity), else the function app's own storage.
 */
export async function openExportContainer(settings: Settings): Promise<ContainerClient> {
  const storage = settings.INVOICE_STORAGE;
  if (storage === undefined) return openSpillContainer(settings, settings.INVOICE_EXPORT_CONTAINER);
  if (/^https:\/\//i.test(storage)) {
    const { DefaultAzureCredential } = await import('@azure/identity');
    return new BlobServiceClient(storage, new DefaultAzureCredential(), {
      retryOptions: { maxTries: 3 },
    }).getContainerClient(settings.INVOICE_EXPORT_CONTAINER);
  }
  return BlobServiceClient.fromConnectionString(storage, {
    retryOptions: { maxTries: 3 },
  }).getContainerClient(settings.INVOICE_EXPORT_CONTAINER);
}
