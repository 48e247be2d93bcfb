import type { StandInServicePrincipal } from './graphStandIn.js';

/** The demo tenant's service principals, in Graph's shape (reference/api-shapes/graph_sp_*). */
export const DEMO_SERVICE_PRINCIPALS: readonly StandInServicePrincipal[] = [
  {
    id: '00af5dfb-85da-4b41-a677-0c6b86dd34f8',
    appId: '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d',
    displayName: 'HR Assistant',
    servicePrincipalType: 'Application',
    tags: ['WindowsAzureActiveDirectoryIntegratedApp', 'businessUnit:HR'],
    appOwnerOrganizationId: '65415bb1-9267-4313-bbf5-ae259732ee12',
  },
  {
    id: '1b2c3d4e-85da-4b41-a677-0c6b86dd34f9',
    appId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    displayName: 'Sales Copilot',
    servicePrincipalType: 'Application',
    tags: ['businessUnit:Sales'],
    appOwnerOrganizationId: '65415bb1-9267-4313-bbf5-ae259732ee12',
  },
  {
    id: '2c3d4e5f-85da-4b41-a677-0c6b86dd34fa',
    appId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    displayName: 'Finance Forecasting',
    servicePrincipalType: 'Application',
    tags: ['businessUnit:Finance'],
    appOwnerOrganizationId: '65415bb1-9267-4313-bbf5-ae259732ee12',
  },
  {
    id: '3d4e5f60-85da-4b41-a677-0c6b86dd34fb',
    appId: 'c0ffee00-1234-4abc-8def-00000000beef',
    displayName: 'doc-indexer-mi',
    servicePrincipalType: 'ManagedIdentity',
    tags: [],
    appOwnerOrganizationId: null,
  },
];

/** How the demo's deployments map onto price keys (see README, DEPLOYMENTS). */
export const DEMO_DEPLOYMENTS = { 'gpt-35-turbo': { version: '0125', deploymentType: 'regional' } } as const;
