// What pages the on-call engineer, and the workbook they open first. Every alert is enabled, has
// one condition and mails the action group. The app's own signals are OpenTelemetry metrics, which
// Application Insights keeps in customMetrics under the names src/application/metrics.ts gives them
// (docs/deploy.md, Alerts). Metrics are aggregates the distro never samples, so the rates below
// count every text and every request, whatever the trace sampler keeps.
import { resourceTags } from 'types.bicep'

param location string
param tags resourceTags

@description('Address the action group mails when an alert fires or resolves.')
param alertEmail string

param appInsightsName string
param serviceBusNamespaceName string
param notificationsQueueName string
param cosmosAccountName string

@description('The readiness probe as the public reaches it: GET /api/health through the gateway.')
param healthUrl string

@description('Share of texts that failed (failed / (sent + failed)) over 15 minutes that pages, once at least 5 texts were attempted.')
param textFailureRateThreshold string = '0.2'

@description('Share of API answers that were 5xx over 15 minutes that pages, once at least 20 requests were answered.')
param serverErrorRateThreshold string = '0.05'

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2026-01-01' existing = {
  name: serviceBusNamespaceName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2026-03-15' existing = {
  name: cosmosAccountName
}

resource onCall 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-oncall-${appInsightsName}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'waitlist'
    enabled: true
    emailReceivers: [
      {
        name: 'on-call'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

// Messages Service Bus gave up on after 10 deliveries: each is a text nobody sent. The consumer
// dead-letters nothing itself, so any message here needs a look (docs/deploy.md, Dead letters).
resource deadLetters 'Microsoft.Insights/metricAlerts@2026-01-01' = {
  name: 'alert-dead-letters-${serviceBusNamespaceName}'
  location: 'global'
  tags: tags
  properties: {
    description: 'Texts are stuck in the notifications queue\'s dead-letter queue.'
    severity: 1
    enabled: true
    scopes: [serviceBus.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered-messages'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [notificationsQueueName]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: [
      {
        actionGroupId: onCall.id
      }
    ]
  }
}

// The SDK retries a 429 after the time Cosmos DB asks for, so users see latency first; a 429 at all
// means the requests reached the account's RU/s (Autoscale's maximum, or Serverless's per partition).
resource cosmosThrottling 'Microsoft.Insights/metricAlerts@2026-01-01' = {
  name: 'alert-cosmos-429-${cosmosAccountName}'
  location: 'global'
  tags: tags
  properties: {
    description: 'Cosmos DB throttled requests (429): the database ran out of request units.'
    severity: 2
    enabled: true
    scopes: [cosmos.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'throttled-requests'
          metricNamespace: 'Microsoft.DocumentDB/databaseAccounts'
          metricName: 'TotalRequests'
          dimensions: [
            {
              name: 'StatusCode'
              operator: 'Include'
              values: ['429']
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Count'
        }
      ]
    }
    actions: [
      {
        actionGroupId: onCall.id
      }
    ]
  }
}

// Log alerts over customMetrics: counters arrive as deltas (valueSum per export), histograms with
// their count (valueCount), the gauge with its maximum (valueMax).
var logAlerts = [
  {
    name: 'text-failure-rate'
    description: 'More texts failed than the threshold allows (waitlist.texts.failed / (sent + failed)).'
    severity: 2
    windowSize: 'PT15M'
    query: 'customMetrics\n| where name in ("waitlist.texts.sent", "waitlist.texts.failed")\n| summarize failed = sumif(valueSum, name == "waitlist.texts.failed"), attempted = sum(valueSum)\n| where attempted >= 5\n| extend failureRate = todouble(failed) / attempted'
    measure: 'failureRate'
    threshold: json(textFailureRateThreshold)
  }
  {
    // The sweep records the gauge every minute, 0 when nothing is due; no sample in the window
    // means the sweep itself stopped, which is as stuck as it gets.
    name: 'oldest-due-item'
    description: 'The oldest due item waited more than 2 minutes (waitlist.due.oldest_age), or the sweep stopped recording it: the producer is stuck.'
    severity: 1
    windowSize: 'PT5M'
    query: 'customMetrics\n| where name == "waitlist.due.oldest_age"\n| summarize oldest = max(valueMax), samples = count()\n| extend oldestAgeSeconds = iff(samples == 0, 1e9, oldest)'
    measure: 'oldestAgeSeconds'
    threshold: 120
  }
  {
    // The app's own request metric, by answered status: unsampled, and the same name whatever
    // route. A worker that answers nothing at all is the availability test's to catch.
    name: 'server-error-rate'
    description: 'More API answers were 5xx than the threshold allows (http.server.request.duration, http.response.status_code >= 500).'
    severity: 1
    windowSize: 'PT15M'
    query: 'customMetrics\n| where name == "http.server.request.duration"\n| extend status = toint(customDimensions["http.response.status_code"])\n| summarize errors = sumif(valueCount, status >= 500), answered = sum(valueCount)\n| where answered >= 20\n| extend serverErrorRate = todouble(errors) / answered'
    measure: 'serverErrorRate'
    threshold: json(serverErrorRateThreshold)
  }
]

resource queryAlerts 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = [
  for alert in logAlerts: {
    name: 'alert-${alert.name}-${appInsightsName}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: 'Waitlist: ${alert.name}'
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [appInsights.id]
      evaluationFrequency: 'PT5M'
      windowSize: alert.windowSize
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: 'Maximum'
            metricMeasureColumn: alert.measure
            operator: 'GreaterThan'
            threshold: alert.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: {
        actionGroups: [onCall.id]
      }
    }
  }
]

// The readiness probe from three regions through the gateway: what a caller sees, including a
// worker that answers nothing and an API Management that cannot reach it.
resource healthTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: 'health-${appInsightsName}'
  location: location
  // Application Insights lists a test under the resource this tag names.
  tags: union(tags, { 'hidden-link:${appInsights.id}': 'Resource' })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: 'health-${appInsightsName}'
    Name: 'GET /api/health (readiness)'
    Kind: 'standard'
    Enabled: true
    Frequency: 300
    Timeout: 30
    RetryEnabled: true
    Locations: [
      { Id: 'emea-nl-ams-azr' }
      { Id: 'emea-gb-db3-azr' }
      { Id: 'us-va-ash-azr' }
    ]
    Request: {
      RequestUrl: healthUrl
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

resource unavailable 'Microsoft.Insights/metricAlerts@2026-01-01' = {
  name: 'alert-health-${appInsightsName}'
  location: 'global'
  tags: tags
  properties: {
    description: 'GET /api/health failed from two of three regions: the API is down or not ready.'
    severity: 0
    enabled: true
    scopes: [healthTest.id, appInsights.id]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: healthTest.id
      componentId: appInsights.id
      failedLocationCount: 2
    }
    actions: [
      {
        actionGroupId: onCall.id
      }
    ]
  }
}

// The workbook charts Service Bus and Cosmos DB platform metrics by resource id, which only the
// deployment knows; the JSON holds placeholders for them.
var workbookContent = replace(replace(loadTextContent('workbook.json'), '__SERVICE_BUS_ID__', serviceBus.id), '__COSMOS_ID__', cosmos.id)

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, appInsightsName, 'waitlist-operations')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Waitlist operations'
    category: 'workbook'
    sourceId: appInsights.id
    serializedData: workbookContent
  }
}

output actionGroupId string = onCall.id
output workbookId string = workbook.id
