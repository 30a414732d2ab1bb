// Azure Communication Services sends the "your table is ready" SMS. Access keys are disabled; the
// app authenticates with its identity. The sender number is bought in the portal or with the
// phone numbers SDK (numbers cannot be declared in Bicep) and passed in as a parameter.
import { resourceTags } from 'types.bicep'

param name string
param dataLocation string
param tags resourceTags

@description('Name of the function app\'s user-assigned identity, which the role assignments here are for.')
param appIdentityName string

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: appIdentityName
}

resource communication 'Microsoft.Communication/communicationServices@2025-05-01' = {
  name: name
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    disableLocalAuth: true
  }
}

// Communication Services has no data-plane role for SMS; Microsoft's documented role for
// Entra-authenticated SmsClient calls is Contributor. It is scoped to this one resource, so the
// identity can manage nothing else.
resource smsSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communication.id, appIdentity.id, 'b24988ac-6180-42a0-ab88-20f7382dd24c')
  scope: communication
  properties: {
    description: 'Contributor on the Communication Services resource only: send SMS with Entra ID.'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b24988ac-6180-42a0-ab88-20f7382dd24c')
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

output name string = communication.name
output endpoint string = 'https://${communication.properties.hostName}'
