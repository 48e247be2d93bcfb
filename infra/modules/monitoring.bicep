// Log Analytics + workspace-based Application Insights. Local (key) auth is off: the function sends
// telemetry with its managed identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING=Authorization=AAD and
// the Monitoring Metrics Publisher role, granted in roles.bicep).

param workspaceName string
param appInsightsName string
param location string
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

output appInsightsName string = appInsights.name
// The connection string holds an instrumentation key, which only identifies the resource; with local
// auth disabled it grants nothing on its own.
output appInsightsConnectionString string = appInsights.properties.ConnectionString
