import Table from 'cli-table3';

import type { InventorySnapshot } from './ports.js';

export interface DeploymentRow {
  readonly resourceId: string;
  readonly account: string;
  readonly deployment: string;
  readonly model: string | null;
  readonly modelVersion: string | null;
  readonly sku: string;
  readonly capacity: number | null;
  readonly region: string;
  /** When the current state took effect; null when it is the first state seen (then see firstSeenAt). */
  readonly since: string | null;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  readonly provisioningState: string | null;
}

/** Pure: the current state of every known deployment, by account then name. */
export function deploymentRows(snapshot: InventorySnapshot): DeploymentRow[] {
  return snapshot.accounts.flatMap((account) =>
    account.deployments.flatMap((deployment) => {
      const current = deployment.periods.at(-1);
      if (current === undefined) return [];
      return [
        {
          resourceId: account.id,
          account: account.name,
          deployment: deployment.name,
          model: current.modelName,
          modelVersion: current.modelVersion,
          sku: current.sku,
          capacity: current.capacity,
          region: account.location,
          since: current.from,
          firstSeenAt: deployment.firstSeenAt,
          lastSeenAt: deployment.lastSeenAt,
          provisioningState: current.provisioningState,
        },
      ];
    }),
  );
}

export function deploymentTable(snapshot: InventorySnapshot): string {
  const table = new Table({
    style: { head: [], border: [] },
    head: ['account', 'deployment', 'model', 'version', 'SKU', 'capacity', 'region', 'since'],
  });
  for (const row of deploymentRows(snapshot)) {
    table.push([
      row.account,
      row.deployment,
      row.model ?? '',
      row.modelVersion ?? '',
      row.sku,
      row.capacity === null ? '' : String(row.capacity),
      row.region,
      // The first state seen also stands for the time before it: say so rather than print a date.
      row.since ?? `first seen ${row.firstSeenAt.slice(0, 16).replace('T', ' ')}`,
    ]);
  }
  const failing = snapshot.subscriptions.filter((s) => s.lastError !== null);
  const notes = failing.map(
    (s) =>
      `subscription ${s.subscriptionId}: last refresh failed (${s.lastError ?? ''}); showing ${s.lastGoodAt ?? 'nothing'}`,
  );
  return `${table.toString()}\n${notes.map((n) => `${n}\n`).join('')}`;
}
