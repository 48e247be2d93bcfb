import { randomUUID } from 'node:crypto';

import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';

import { DependencyError, UserError } from '../errors.js';
import type { EventSource } from '../events/types.js';
import type { Spill } from '../pipeline/ingestBatch.js';
import { decodeSpill, encodeSpill } from './spillFormat.js';

export const SPILL_CONTAINER = 'chargeback-spill';

export interface StorageSettings {
  readonly AzureWebJobsStorage?: string | undefined;
  readonly AzureWebJobsStorage__accountName?: string | undefined;
  readonly AzureWebJobsStorage__blobServiceUri?: string | undefined;
}

/** The function app's own storage: a connection string locally, identity-based in Azure. */
export async function openSpillContainer(
  settings: StorageSettings,
  containerName: string = SPILL_CONTAINER,
): Promise<ContainerClient> {
  const identityBased =
    settings.AzureWebJobsStorage__accountName !== undefined ||
    settings.AzureWebJobsStorage__blobServiceUri !== undefined;
  // DESIGN.md: locally the default is Azurite; constructing the client does no I/O.
  const connection =
    settings.AzureWebJobsStorage ?? (identityBased ? undefined : 'UseDevelopmentStorage=true');
  let service: BlobServiceClient;
  if (connection !== undefined) {
    service = BlobServiceClient.fromConnectionString(connection, { retryOptions: { maxTries: 3 } });
  } else {
    const uri =
      settings.AzureWebJobsStorage__blobServiceUri ??
      (settings.AzureWebJobsStorage__accountName === undefined
        ? undefined
        : `https://${settings.AzureWebJobsStorage__accountName}.blob.core.windows.net`);
    if (uri === undefined) {
      throw new UserError(
        'AzureWebJobsStorage: set a connection string, or AzureWebJobsStorage__accountName',
      );
    }
    const { DefaultAzureCredential } = await import('@azure/identity');
    service = new BlobServiceClient(uri, new DefaultAzureCredential(), { retryOptions: { maxTries: 3 } });
  }
  return service.getContainerClient(containerName);
}

/** Batches that could not be written, kept whole until `backfill` replays them. */
export class BlobSpill implements Spill {
  private ensured = false;

  constructor(private readonly container: ContainerClient) {}

  async save(bodies: readonly unknown[], sources: readonly EventSource[], reason: string): Promise<string> {
    const now = new Date();
    const name = `${now.toISOString().slice(0, 10)}/${now.toISOString().replace(/[:.]/g, '')}-${randomUUID()}.json`;
    const text = encodeSpill(bodies, sources, reason, now);
    try {
      if (!this.ensured) {
        await this.container.createIfNotExists();
        this.ensured = true;
      }
      await this.container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text), {
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
    } catch (error) {
      throw new DependencyError(
        'blob',
        `spill of ${bodies.length} events failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    return name;
  }

  /** Names of spilled batches waiting, oldest first. */
  async list(): Promise<string[]> {
    if (!(await this.container.exists())) return [];
    const names: string[] = [];
    for await (const blob of this.container.listBlobsFlat()) names.push(blob.name);
    return names.sort();
  }

  async read(name: string): Promise<ReturnType<typeof decodeSpill>> {
    const buffer = await this.container.getBlobClient(name).downloadToBuffer();
    return decodeSpill(buffer.toString('utf8'));
  }

  async remove(name: string): Promise<void> {
    await this.container.getBlobClient(name).deleteIfExists();
  }
}
