// Reader on one resource group that holds Azure OpenAI accounts: enough for the inventory refresh to
// list the accounts and their deployments (Microsoft.CognitiveServices/accounts[/deployments]/read).
targetScope = 'resourceGroup'

param principalId string

var reader = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'

resource readerAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, reader)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', reader)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
