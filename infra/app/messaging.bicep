// Service Bus carries notification requests from the timer producer to the SMS consumer. The queue
// settings are part of the code's contract: duplicate detection makes the producer's retries
// idempotent (it sets messageId), and the consumer relies on dead-lettering after 10 deliveries.
import { resourceTags } from 'types.bicep'

param namespaceName string
param location string
param tags resourceTags

@description('Name of the function app\'s user-assigned identity, which the role assignments here are for.')
param appIdentityName string

var queueName = 'notifications'

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: appIdentityName
}

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2026-01-01' = {
  parent: namespace
  name: queueName
  properties: {
    maxDeliveryCount: 10
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT10M'
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT1M'
    defaultMessageTimeToLive: 'P1D'
  }
}

// Scoped to the queue rather than the namespace: the identity can use this queue and no other.
resource sender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(queue.id, appIdentity.id, '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39')
  scope: queue
  properties: {
    description: 'Azure Service Bus Data Sender: the timer producer enqueues notifications.'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39')
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource receiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(queue.id, appIdentity.id, '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0')
  scope: queue
  properties: {
    description: 'Azure Service Bus Data Receiver: the SMS consumer is triggered by the queue.'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0')
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// The namespace's host name without scheme and port, as the Functions extension expects it.
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
output notificationsQueueName string = queue.name
