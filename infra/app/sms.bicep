// Azure Communication Services sends the "your table is ready" SMS. Access keys are disabled; the
// app authenticates with its identity. The sender number is bought in the portal or with the
// phone numbers SDK (numbers cannot be declared in Bicep) and passed in as a parameter.
import { resourceTags, smsSenderRoleName } from 'types.bicep'

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

// The custom role of infra/roles.bicep (read and write on a Communication Services resource, the
// narrowest rights its SMS data plane accepts from Entra ID callers), on this one resource only.
resource smsSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communication.id, appIdentity.id, smsSenderRoleName(subscription().id))
  scope: communication
  properties: {
    description: 'Waitlist SMS Sender on this Communication Services resource only: send SMS with Entra ID.'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', smsSenderRoleName(subscription().id))
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

output name string = communication.name
output endpoint string = 'https://${communication.properties.hostName}'
