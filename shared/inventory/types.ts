/** What ARM says a deployment is, at one point in time. */
export interface DeploymentState {
  readonly sku: string;
  readonly capacity: number | null;
  readonly modelFormat: string | null;
  readonly modelName: string | null;
  readonly modelVersion: string | null;
  readonly provisioningState: string | null;
}

/** A state and when it took effect; `from: null` is the first state seen, also covering the time before. */
export interface DeploymentPeriod extends DeploymentState {
  readonly from: string | null;
}

export interface InventoryDeployment {
  readonly name: string;
  /** Ascending by `from`; the first has `from: null`. */
  readonly periods: readonly DeploymentPeriod[];
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  /**
   * ARM's `systemData.createdAt`, as first seen: when the deployment began to cost (the capacity
   * estimate's start). Absent on documents stored before it was read, and when ARM does not give it.
   */
  readonly createdAt?: string | null;
}

export interface InventoryAccount {
  /** The ARM resource id, lower-cased: what records carry as `resourceId`. */
  readonly id: string;
  readonly subscriptionId: string;
  readonly name: string;
  readonly kind: string;
  readonly location: string;
  /** Every host the account answers on, lower-case: `properties.endpoint` and `properties.endpoints`. */
  readonly hosts: readonly string[];
  /** `properties.customSubDomainName`, lower-case: the first label of its `*.openai.azure.com`-style hosts. */
  readonly customSubDomain: string | null;
  readonly deployments: readonly InventoryDeployment[];
}

/** One refresh's reading of an account, before it is merged into history. */
export interface ObservedAccount extends Omit<InventoryAccount, 'deployments'> {
  readonly deployments: readonly ObservedDeployment[];
}

export interface ObservedDeployment extends DeploymentState {
  readonly name: string;
  /** `systemData.lastModifiedAt` as ISO 8601, when ARM gave it. */
  readonly lastModifiedAt: string | null;
  /** `systemData.createdAt` as ISO 8601, when ARM gave it. */
  readonly createdAt?: string | null;
}
