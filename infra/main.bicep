// Azure OpenAI chargeback pipeline: Event Hubs -> Function App -> Cosmos DB, fed by an existing API
// Management instance. Identity-based access everywhere: no account keys, SAS keys or connection
// strings are created or stored. Deploy and tear down: infra/README.md.

targetScope = 'resourceGroup'

import { aoaiBackend } from 'modules/apim.bicep'

@description('Short lower-case name used in every resource name.')
@minLength(2)
@maxLength(10)
param prefix string = 'chargeback'
param location string = resourceGroup().location

@description('Existing API Management instance, with a system-assigned managed identity.')
param apimName string
@description('Resource group of the API Management instance (defaults to this one).')
param apimResourceGroup string = resourceGroup().name
@description('Existing APIM API that fronts Azure OpenAI; its policy is replaced by infra/apim/load-balancing.xml.')
param apimApiName string
@description('Azure OpenAI endpoints behind the gateway; APIM\'s identity needs "Cognitive Services OpenAI User" on each.')
@minLength(1)
param aoaiBackends aoaiBackend[]
@description('pool = APIM backend pool with circuit breakers (recommended); random = the seed\'s policy, for comparison.')
@allowed(['pool', 'random'])
param loadBalancing string = 'pool'
@description('Audience of the Entra ID tokens callers present to the gateway.')
param gatewayAudience string

param eventHubPartitionCount int = 4
param consumerGroupName string = 'chargeback'
param cosmosServerless bool = true

// Pipeline settings (README.md, "Settings").
param priceCurrency string = 'USD'
param priceRegion string = 'eastus'
@allowed(['global', 'datazone', 'regional'])
param defaultDeploymentType string = 'global'
@description('DEPLOYMENTS: deployment or logged model name -> {model?, version?, deploymentType?, region?}.')
param deployments object = {}
param priceRefreshSchedule string = '0 0 2 * * *'

@description('NCRONTAB schedule of the Cost Management export import (daily by default, after the exports land).')
param invoiceImportSchedule string = '0 30 6 * * *'
param businessUnitTagPrefix string = 'businessUnit:'

@description('Where the deployment inventory reads Azure OpenAI accounts: the function identity gets Reader on each entry, a resource group, or the whole subscription when resourceGroup is empty. Empty: the inventory is off.')
param inventoryReaderScopes inventoryScope[] = []
param inventoryRefreshSchedule string = '0 15 * * * *'
@description('Gateway budgets (docs/budgets.md): APIM asks GET /api/limits/{appId} and answers 429 for a spent hard budget.')
param enforceBudgets bool = false
@description('LIMITS_CACHE_SECONDS: how long APIM caches an app\'s limits answer.')
param limitsCacheSeconds int = 60
@description('Per-app token limits for APIM (token-limits.xml); empty = off. See docs/budgets.md.')
param tokenLimits object = {}

@description('Optional object id of a user or group that runs the CLI against Azure (Cosmos data + Event Hubs send).')
param operatorPrincipalId string = ''

type inventoryScope = {
  subscriptionId: string
  @description('Empty: Reader on the whole subscription.')
  resourceGroup: string?
}

var suffix = uniqueString(resourceGroup().id, prefix)
var names = {
  storage: take('st${replace(prefix, '-', '')}${suffix}', 24)
  eventHubs: '${prefix}-eh-${suffix}'
  cosmos: '${prefix}-cosmos-${suffix}'
  workspace: '${prefix}-log-${suffix}'
  appInsights: '${prefix}-appi-${suffix}'
  plan: '${prefix}-plan-${suffix}'
  functionApp: '${prefix}-func-${suffix}'
}

resource apim 'Microsoft.ApiManagement/service@2024-06-01-preview' existing = {
  name: apimName
  scope: resourceGroup(apimResourceGroup)
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: { workspaceName: names.workspace, appInsightsName: names.appInsights, location: location }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: { name: names.storage, location: location }
}

module eventHubs 'modules/eventhubs.bicep' = {
  name: 'eventhubs'
  params: {
    namespaceName: names.eventHubs
    location: location
    hubName: 'aoai-usage'
    consumerGroupName: consumerGroupName
    partitionCount: eventHubPartitionCount
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: { accountName: names.cosmos, location: location, serverless: cosmosServerless }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    // Every connection is identity-based: the Functions runtime and our code use the app's identity.
    appSettings: {
      AzureWebJobsStorage__accountName: storage.outputs.name
      EventHubConnection__fullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
      USAGE_EVENTHUB_NAME: eventHubs.outputs.hubName
      USAGE_CONSUMER_GROUP: eventHubs.outputs.consumerGroupName
      COSMOS_ENDPOINT: cosmos.outputs.endpoint
      COSMOS_DATABASE: cosmos.outputs.databaseName
      GRAPH_AUTH: 'default'
      PRICE_CURRENCY: priceCurrency
      PRICE_REGION: priceRegion
      DEFAULT_DEPLOYMENT_TYPE: defaultDeploymentType
      DEPLOYMENTS: string(deployments)
      PRICE_REFRESH_SCHEDULE: priceRefreshSchedule
      INVOICE_IMPORT_SCHEDULE: invoiceImportSchedule
      BUSINESS_UNIT_TAG_PREFIX: businessUnitTagPrefix
      INVENTORY_SUBSCRIPTIONS: join(union(map(inventoryReaderScopes, s => toLower(s.subscriptionId)), []), ',')
      ARM_AUTH: 'default'
      INVENTORY_REFRESH_SCHEDULE: inventoryRefreshSchedule
      LIMITS_CACHE_SECONDS: string(limitsCacheSeconds)
      APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.appInsightsConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
    }
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    functionPrincipalId: functionApp.outputs.principalId
    apimPrincipalId: apim.identity.principalId
    operatorPrincipalId: operatorPrincipalId
    eventHubNamespaceName: eventHubs.outputs.namespaceName
    eventHubName: eventHubs.outputs.hubName
    storageAccountName: storage.outputs.name
    cosmosAccountName: cosmos.outputs.accountName
    appInsightsName: monitoring.outputs.appInsightsName
  }
}

module inventoryReaderOnGroups 'modules/inventoryReaderRg.bicep' = [
  for (s, i) in filter(inventoryReaderScopes, s => !empty(s.?resourceGroup ?? '')): {
    name: 'inventory-reader-rg-${i}'
    scope: resourceGroup(s.subscriptionId, s.?resourceGroup ?? '')
    params: { principalId: functionApp.outputs.principalId }
  }
]

module inventoryReaderOnSubscriptions 'modules/inventoryReaderSub.bicep' = [
  for (s, i) in filter(inventoryReaderScopes, s => empty(s.?resourceGroup ?? '')): {
    name: 'inventory-reader-sub-${i}'
    scope: subscription(s.subscriptionId)
    params: { principalId: functionApp.outputs.principalId }
  }
]

module gateway 'modules/apim.bicep' = {
  name: 'apim-chargeback'
  scope: resourceGroup(apimResourceGroup)
  params: {
    apimName: apimName
    apiName: apimApiName
    backends: aoaiBackends
    loadBalancing: loadBalancing
    eventHubFullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
    eventHubName: eventHubs.outputs.hubName
    gatewayTenantId: tenant().tenantId
    gatewayAudience: gatewayAudience
    enforceBudgets: enforceBudgets
    limitsUrl: 'https://${functionApp.outputs.defaultHostName}/api/limits'
    limitsKey: enforceBudgets ? listKeys(resourceId('Microsoft.Web/sites/host', names.functionApp, 'default'), '2023-12-01').functionKeys.default : ''
    limitsCacheSeconds: limitsCacheSeconds
    tokenLimits: tokenLimits
  }
  // The logger sends with APIM's identity, so its Data Sender role comes first.
  dependsOn: [roles]
}

output functionAppName string = functionApp.outputs.name
@description('Grant this identity Graph Application.Read.All (infra/README.md, "The one manual step").')
output functionPrincipalId string = functionApp.outputs.principalId
output eventHubsNamespace string = eventHubs.outputs.fullyQualifiedNamespace
output cosmosEndpoint string = cosmos.outputs.endpoint
output storageAccountName string = storage.outputs.name
