// The Event Grid subscription that delivers SMS delivery reports to the sms-delivery-report
// function. A second entry point, deployed after the function code by deploy.yml and azd's
// postdeploy hook: Event Grid refuses a subscription to an Azure Function that does not exist yet,
// and infra/main.bicep runs before the first code deployment. What it refers to is created by
// main.bicep (infra/app/delivery-reports.bicep), whose outputs name the parameters' values.
targetScope = 'resourceGroup'

@description('The Event Grid system topic on the Communication Services resource (main.bicep output SMS_EVENTS_TOPIC_NAME).')
param systemTopicName string

@description('The function app (main.bicep output FUNCTION_APP_NAME).')
param functionAppName string

@description('Storage account for the events Event Grid gives up on (main.bicep output DEAD_LETTER_STORAGE_NAME).')
param deadLetterStorageName string

@description('Its container (main.bicep output DEAD_LETTER_CONTAINER).')
param deadLetterContainerName string

@description('The Event Grid-triggered function, as named in src/functions/delivery-reports.ts.')
param functionName string = 'sms-delivery-report'

resource smsEvents 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

resource deadLetterStorage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: deadLetterStorageName
}

resource smsDeliveryReports 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: smsEvents
  name: 'sms-delivery-reports'
  properties: {
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: '${functionApp.id}/functions/${functionName}'
        // One event per request, so a failed report is retried alone (the function is idempotent either way).
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Communication.SMSDeliveryReportReceived'
      ]
    }
    // The function throws only for failures worth retrying (Cosmos DB unavailable, a record that
    // kept changing); Event Grid retries with back-off for a day, then dead-letters.
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: deadLetterStorage.id
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}
