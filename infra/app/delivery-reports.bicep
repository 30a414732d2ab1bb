// Delivery reports for the texts the app sends: Communication Services publishes one per SMS to
// Event Grid. This module creates what may exist before the function code does: the system topic
// on the Communication Services resource, and a container for the events Event Grid gives up on.
// The event subscription that delivers to the function needs the deployed function and lives in
// infra/delivery-reports.bicep, deployed after the code (docs/deploy.md).
import { resourceTags } from 'types.bicep'

param name string
param communicationName string
param tags resourceTags

@description('Storage account (the function host\'s) that receives the events Event Grid could not deliver.')
param deadLetterStorageName string

var deadLetterContainerName = 'event-dead-letters'

resource communication 'Microsoft.Communication/communicationServices@2025-05-01' existing = {
  name: communicationName
}

resource deadLetterStorage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: deadLetterStorageName
}

resource deadLetterBlobs 'Microsoft.Storage/storageAccounts/blobServices@2026-09-01' existing = {
  parent: deadLetterStorage
  name: 'default'
}

resource deadLetters 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-09-01' = {
  parent: deadLetterBlobs
  name: deadLetterContainerName
  properties: {
    publicAccess: 'None'
  }
}

// A system topic lives where its source does, and Communication Services resources are global.
// A source has at most one system topic: one created by hand in the portal must be removed first.
resource smsEvents 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: 'global'
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: communication.id
    topicType: 'Microsoft.Communication.CommunicationServices'
  }
}

// The storage account takes no keys, so Event Grid dead-letters with the topic's own identity,
// which may write to this one container and nothing else.
resource deadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(deadLetters.id, smsEvents.id, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  scope: deadLetters
  properties: {
    description: 'Storage Blob Data Contributor on the dead-letter container only: Event Grid writes the SMS events it could not deliver.'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
    principalId: smsEvents.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

output systemTopicName string = smsEvents.name
output deadLetterContainerName string = deadLetters.name
