import { randomUUID } from 'node:crypto';

import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';

import { DependencyError, UserError } from '../errors.js';
import type { EventSource } from '../events/types.js';
import type { Spill } from '../pipeline/ingestBatch.js';
import { QUARANTINE_PREFIX, type ReplayFailures } from '../pipeline/backfill/spills.js';
import { decodeSpill, encodeSpill } from './spillFormat.js';

export { QUARANTINE_PREFIX, type ReplayFailures };

export const SPILL_CONTAINER = 'chargeback-spill';
const FAILURES_KEY = 'replayfailures';
const LAST_FAILURE_KEY = 'lastreplayfailure';

function readFailures(metadata: Record<string, string> | undefined): ReplayFailures {
  const count = Number(metadata?.[FAILURES_KEY] ?? 0);
  const last = metadata?.[LAST_FAILURE_KEY];
  return {
    count: Number.isSafeInteger(count) && count > 0 ? count : 0,
    last: last === undefined ? null : safeDecode(last),
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

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
  // Locally the default is Azurite (README, "Settings"); constructing the client does no I/O.
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

  /** Names of spilled batches waiting, oldest first (quarantined ones are not waiting). */
  async list(): Promise<string[]> {
    return (await this.names()).filter((name) => !name.startsWith(QUARANTINE_PREFIX));
  }

  /** Names of quarantined spills (`quarantine/<name>`), oldest first. */
  async listQuarantined(): Promise<string[]> {
    return (await this.names()).filter((name) => name.startsWith(QUARANTINE_PREFIX));
  }

  private async names(): Promise<string[]> {
    if (!(await this.container.exists())) return [];
    const names: string[] = [];
    for await (const blob of this.container.listBlobsFlat()) names.push(blob.name);
    return names.sort();
  }

  /** How many replays of this spill failed for a reason other than the store, and the last reason. */
  async replayFailures(name: string): Promise<ReplayFailures> {
    const { metadata } = await this.container.getBlobClient(name).getProperties();
    return readFailures(metadata);
  }

  /**
   * Counts one more failed replay in the blob's metadata (ETag-conditioned, so two backfills racing
   * count once) and returns the new count.
   */
  async recordReplayFailure(name: string, reason: string): Promise<number> {
    const blob = this.container.getBlobClient(name);
    const { metadata, etag } = await blob.getProperties();
    const count = readFailures(metadata).count + 1;
    await blob.setMetadata(
      {
        ...metadata,
        [FAILURES_KEY]: String(count),
        // Metadata travels as HTTP headers: ASCII only.
        [LAST_FAILURE_KEY]: encodeURIComponent(reason.slice(0, 500)),
      },
      etag === undefined ? {} : { conditions: { ifMatch: etag } },
    );
    return count;
  }

  /** Moves a spill to `quarantine/<name>`, metadata kept: replays stop, nothing is deleted unsaved. */
  async quarantine(name: string): Promise<string> {
    const source = this.container.getBlobClient(name);
    const [buffer, { metadata }] = await Promise.all([source.downloadToBuffer(), source.getProperties()]);
    const target = `${QUARANTINE_PREFIX}${name}`;
    await this.container.getBlockBlobClient(target).upload(buffer, buffer.length, {
      blobHTTPHeaders: { blobContentType: 'application/json' },
      ...(metadata === undefined ? {} : { metadata }),
    });
    await source.deleteIfExists();
    return target;
  }

  async read(name: string): Promise<ReturnType<typeof decodeSpill>> {
    const buffer = await this.container.getBlobClient(name).downloadToBuffer();
    return decodeSpill(buffer.toString('utf8'));
  }

  async remove(name: string): Promise<void> {
    await this.container.getBlobClient(name).deleteIfExists();
  }
}
