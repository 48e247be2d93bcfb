// The hub APIM logs usage events to, and the consumer group the Function reads with.
// Standard tier: Basic allows only $Default and 1-day retention, too short to recover from an outage.
// Local (SAS) auth is disabled: APIM sends and the Function receives with their managed identities.

param namespaceName string
param location string
param hubName string = 'aoai-usage'
param consumerGroupName string = 'chargeback'
@description('Partitions spread the gateway\'s per-app partition keys; fixed after creation on Standard.')
param partitionCount int = 4
@description('Upper bound for auto-inflate, in throughput units (1 TU = 1 MB/s or 1,000 events/s in).')
param maximumThroughputUnits int = 4

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  sku: { name: 'Standard', tier: 'Standard', capacity: 1 }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    isAutoInflateEnabled: true
    maximumThroughputUnits: maximumThroughputUnits
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: hubName
  properties: {
    partitionCount: partitionCount
    // The longest Standard allows: time to fix and replay after a pipeline outage.
    messageRetentionInDays: 7
  }
}

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: hub
  name: consumerGroupName
  properties: {}
}

output namespaceName string = namespace.name
// serviceBusEndpoint is https://<ns>.servicebus.windows.net:443/ (another suffix in sovereign clouds).
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
output hubName string = hub.name
output consumerGroupName string = consumerGroup.name
