// Chargeback wiring on an existing API Management instance (deployed into the APIM resource group):
// the Event Hubs logger (managed identity, no connection string), the two policy fragments, the AOAI
// backends with circuit breakers, the backend pool, and the API policy that ties them together.
// The policy XML lives in infra/apim/ and is loaded verbatim; its leading comment is cut off because
// APIM stores a fragment's or policy's document from its root element.

@export()
@description('One Azure OpenAI endpoint behind the gateway.')
type aoaiBackend = {
  @description('Endpoint including /openai, e.g. https://aoai-eastus.openai.azure.com/openai')
  url: string
  @description('Pool priority: lower is preferred; higher groups only get traffic when the lower are tripped.')
  priority: int?
  @description('Share of traffic within its priority group.')
  weight: int?
}

param apimName string
@description('The existing API that fronts Azure OpenAI (imported from the AOAI spec, {deployment-id} in its paths).')
param apiName string
param backends aoaiBackend[]
@allowed(['pool', 'random'])
param loadBalancing string = 'pool'
param eventHubFullyQualifiedNamespace string
param eventHubName string
@description('Tenant whose Entra ID tokens callers present.')
param gatewayTenantId string
@description('Audience (application ID URI or client id) callers request tokens for.')
param gatewayAudience string

@description('Budgets at the gateway (docs/budgets.md): include budget-enforcement.xml, which asks the limits endpoint.')
param enforceBudgets bool = false
@description('The limits endpoint without the app id, e.g. https://<function app>/api/limits.')
param limitsUrl string = ''
@secure()
@description('A function key for the limits endpoint.')
param limitsKey string = ''
@description('LIMITS_CACHE_SECONDS: how long the gateway caches an app\'s answer.')
param limitsCacheSeconds int = 60
@description('Per-app token limits (token-limits.xml): {default: {tokensPerMinute, monthlyTokens}, apps: {<appId>: {...}}}; empty = off.')
param tokenLimits object = {}

// Names the XML refers to; change them together with infra/apim/*.xml.
var loggerName = 'chargeback-eventhub'
var poolName = 'aoai-pool'

var loggingFragment = loadTextContent('../apim/chargeback-logging.xml')
var streamFragment = loadTextContent('../apim/stream-include-usage.xml')
var poolPolicy = loadTextContent('../apim/load-balancing.xml')
var randomPolicy = loadTextContent('../apim/load-balancing-random.xml')
var budgetFragment = loadTextContent('../apim/budget-enforcement.xml')
var tokenFragment = loadTextContent('../apim/token-limits.xml')
var enforceTokenLimits = !empty(tokenLimits)
// Budget and token limits go first in inbound, right after the token is validated: a refused call costs nothing.
var limitIncludes = '${enforceBudgets ? '<include-fragment fragment-id="budget-enforcement" />\n\t\t' : ''}${enforceTokenLimits ? '<include-fragment fragment-id="token-limits" />\n\t\t' : ''}'
var streamInclude = '<include-fragment fragment-id="stream-include-usage" />'
var apiPolicy = replace(
  loadBalancing == 'pool' ? poolPolicy : randomPolicy,
  streamInclude,
  '${limitIncludes}${streamInclude}'
)

resource apim 'Microsoft.ApiManagement/service@2024-06-01-preview' existing = {
  name: apimName
}

resource api 'Microsoft.ApiManagement/service/apis@2024-06-01-preview' existing = {
  parent: apim
  name: apiName
}

resource logger 'Microsoft.ApiManagement/service/loggers@2024-06-01-preview' = {
  parent: apim
  name: loggerName
  properties: {
    loggerType: 'azureEventHub'
    description: 'Chargeback usage events (aoai-usage/2), sent with the APIM managed identity'
    credentials: {
      endpointAddress: eventHubFullyQualifiedNamespace
      identityClientId: 'SystemAssigned'
      name: eventHubName
    }
  }
}

var namedValues = union(
  {
    'aoai-gateway-tenant-id': gatewayTenantId
    'aoai-gateway-audience': gatewayAudience
    'aoai-backend-count': string(length(backends))
  },
  enforceBudgets ? { 'chargeback-limits-url': limitsUrl, 'chargeback-limits-cache-seconds': string(limitsCacheSeconds) } : {},
  enforceTokenLimits ? { 'chargeback-token-limits': string(tokenLimits) } : {}
)

resource namedValueResources 'Microsoft.ApiManagement/service/namedValues@2024-06-01-preview' = [
  for item in items(namedValues): {
    parent: apim
    name: item.key
    properties: {
      displayName: item.key
      value: item.value
      secret: false
    }
  }
]

resource limitsKeyValue 'Microsoft.ApiManagement/service/namedValues@2024-06-01-preview' = if (enforceBudgets) {
  parent: apim
  name: 'chargeback-limits-key'
  properties: {
    displayName: 'chargeback-limits-key'
    value: limitsKey
    secret: true
  }
}

resource budgetEnforcement 'Microsoft.ApiManagement/service/policyFragments@2024-06-01-preview' = if (enforceBudgets) {
  parent: apim
  name: 'budget-enforcement'
  properties: {
    description: 'Inbound: 429 when a hard budget covering the calling app is spent; fails open'
    format: 'xml'
    value: substring(budgetFragment, indexOf(budgetFragment, '<fragment>'))
  }
  dependsOn: [namedValueResources, limitsKeyValue]
}

resource tokenLimitsFragment 'Microsoft.ApiManagement/service/policyFragments@2024-06-01-preview' = if (enforceTokenLimits) {
  parent: apim
  name: 'token-limits'
  properties: {
    description: 'Inbound: llm-token-limit per calling app, tokens per minute and a monthly quota'
    format: 'xml'
    value: substring(tokenFragment, indexOf(tokenFragment, '<fragment>'))
  }
  dependsOn: [namedValueResources]
}

resource chargebackLogging 'Microsoft.ApiManagement/service/policyFragments@2024-06-01-preview' = {
  parent: apim
  name: 'chargeback-logging'
  properties: {
    description: 'Outbound: logs the aoai-usage/2 chargeback event to Event Hubs'
    format: 'xml'
    value: substring(loggingFragment, indexOf(loggingFragment, '<fragment>'))
  }
  dependsOn: [logger]
}

resource streamIncludeUsage 'Microsoft.ApiManagement/service/policyFragments@2024-06-01-preview' = {
  parent: apim
  name: 'stream-include-usage'
  properties: {
    description: 'Inbound: asks streamed chat completions for a final usage chunk'
    format: 'xml'
    value: substring(streamFragment, indexOf(streamFragment, '<fragment>'))
  }
}

resource aoaiBackends 'Microsoft.ApiManagement/service/backends@2024-06-01-preview' = [
  for (backend, i) in backends: {
    parent: apim
    name: 'aoai-${i}'
    properties: {
      description: 'Azure OpenAI endpoint ${i}'
      type: 'Single'
      protocol: 'http'
      url: backend.url
      circuitBreaker: {
        rules: [
          {
            name: 'throttled-or-failing'
            // One 429 trips it: AOAI quotas are per minute, so the next call would be throttled too.
            failureCondition: {
              count: 1
              interval: 'PT10S'
              statusCodeRanges: [{ min: 429, max: 429 }, { min: 500, max: 503 }]
            }
            tripDuration: 'PT10S'
            // Stay out for as long as AOAI's Retry-After says, rather than the fixed trip duration.
            acceptRetryAfter: true
          }
        ]
      }
    }
  }
]

resource pool 'Microsoft.ApiManagement/service/backends@2024-06-01-preview' = {
  parent: apim
  name: poolName
  properties: {
    description: 'Azure OpenAI endpoints by priority, then weight'
    type: 'Pool'
    pool: {
      services: [
        for (backend, i) in backends: {
          id: '/backends/aoai-${i}'
          priority: backend.?priority ?? 1
          weight: backend.?weight ?? 1
        }
      ]
    }
  }
  dependsOn: [aoaiBackends]
}

resource policy 'Microsoft.ApiManagement/service/apis/policies@2024-06-01-preview' = {
  parent: api
  name: 'policy'
  properties: {
    format: 'xml'
    value: substring(apiPolicy, indexOf(apiPolicy, '<policies>'))
  }
  dependsOn: [chargebackLogging, streamIncludeUsage, pool, namedValueResources, budgetEnforcement, tokenLimitsFragment]
}

output loggerName string = logger.name
output backendPoolName string = pool.name
