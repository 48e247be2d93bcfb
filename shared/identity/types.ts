/** A service principal as Graph returns it with our `$select` (reference/api-shapes/graph_sp_*). */
export interface ServicePrincipal {
  readonly id: string;
  readonly appId: string;
  readonly displayName: string | null;
  readonly servicePrincipalType: string | null;
  readonly tags: readonly string[];
  readonly appOwnerOrganizationId: string | null;
}

/** What the directory said about one appId. */
export type DirectoryResult =
  | { readonly kind: 'found'; readonly servicePrincipal: ServicePrincipal }
  | { readonly kind: 'notFound' }
  /** Throttled past the retry budget, 5xx, timeout or network failure: try again later. */
  | { readonly kind: 'unavailable'; readonly reason: string };

/** Port: the directory (Microsoft Graph in Azure, a local HTTPS stand-in in tests and the demo). */
export interface Directory {
  /** Looks up every appId (already validated as lower-case GUIDs). Never throws for a per-app failure. */
  lookup(appIds: readonly string[]): Promise<Map<string, DirectoryResult>>;
}

export type IdentityStatus = 'resolved' | 'unknown' | 'pending';

/** What a record carries about its caller. */
export interface AppIdentity {
  readonly status: IdentityStatus;
  readonly displayName: string | null;
  readonly businessUnit: string | null;
  readonly servicePrincipalType: string | null;
}
