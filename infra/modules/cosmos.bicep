// Cosmos DB for NoSQL: database "chargeback" with its six containers (README.md, "Records out"), all partitioned on
// the synthetic /pk path (its meaning per container is documented in shared/store/containers.ts).
// Keys are disabled: the Function uses its identity and the Built-in Data Contributor role.
// Containers are created here because data-plane RBAC cannot create them; the code's
// createIfNotExists then only reads them.

param accountName string
param location string
@description('Serverless bills per request and suits a daily-shaped, bursty load. Provisioned uses autoscale.')
param serverless bool = true
param autoscaleMaxThroughput int = 1000
param databaseName string = 'chargeback'

// ---------------------------------------------------------------------------------------------------
// Indexed fields, the one place to change them. Everything else is excluded (/*), which keeps
// writes cheap. Keep these in step with the indexingPolicy in shared/store/containers.ts: an existing
// container keeps the policy set here, whatever the code asks for.
// ---------------------------------------------------------------------------------------------------
var indexedFields = {
  usage: [
    'eventTime'
    'day'
    'appId'
    'businessUnit'
    'model'
    'deploymentType'
    'costStatus'
    'identityStatus'
    'unpricedReason'
    'repriceCheckedAgainst'
    'pk'
  ]
  deadletter: ['day', 'receivedAt']
  prices: ['docType', 'family']
  apps: ['docType', 'lastSeen']
  rollups: ['docType', 'day', 'appId', 'businessUnit', 'model']
  inventory: ['docType']
  invoice: ['docType', 'day', 'importId', 'resourceId']
  // Budgets and the alerts they fire (docs/budgets.md).
  budgets: ['docType', 'firedAt', 'delivery/status', 'delivery/claimedAt', 'pk']
}

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: accountName
  location: location
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [{ locationName: location, failoverPriority: 0, isZoneRedundant: false }]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    capabilities: serverless ? [{ name: 'EnableServerless' }] : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
    // Serverless accounts reject any throughput setting.
    options: serverless ? {} : { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } }
  }
}

resource containers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for item in items(indexedFields): {
    parent: database
    name: item.key
    properties: {
      resource: {
        id: item.key
        partitionKey: { paths: ['/pk'], kind: 'Hash', version: 2 }
        indexingPolicy: {
          indexingMode: 'consistent'
          automatic: true
          includedPaths: map(item.value, field => { path: '/${field}/?' })
          excludedPaths: [{ path: '/*' }, { path: '/"_etag"/?' }]
        }
      }
    }
  }
]

output accountName string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
