// The function app on the Flex Consumption plan, its host storage and its settings. Every
// connection is made with the user-assigned identity; the only secret (the JWT signing keys) is a
// Key Vault reference. Inbound traffic is accepted from the API Management gateway only.
import { resourceTags } from 'types.bicep'

param functionAppName string
param planName string
param hostStorageName string
param location string
param tags resourceTags

param identityId string
param identityClientId string
@description('Name of the function app\'s user-assigned identity, which the role assignments here are for.')
param appIdentityName string

param maximumInstanceCount int
param instanceMemoryMB int
param appInsightsName string
param logAnalyticsWorkspaceId string

@description('Public IP addresses of the API Management gateway, the only callers the site admits.')
param gatewayPublicIpAddresses string[]

param cosmosEndpoint string
param cosmosDatabase string
param jwtIssuer string
param jwtAudience string

@description('Key Vault reference (not the value) for JWT_SIGNING_KEYS.')
param jwtSigningReference string

param accessTokenTtlSeconds int
param refreshTokenTtlDays int
param passwordHashCost int
param statusPageBaseUrl string
param joinLinkBaseUrl string
@description('Hours a status link keeps working after its party left the line.')
param statusLinkLifetimeHours int = 12
@description('One-time join codes per phone number an hour, across restaurants.')
param joinCodesPerNumberPerHour int = 3
@description('One-time join codes per client address an hour.')
param joinCodesPerAddressPerHour int = 10
param serviceBusNamespace string
param notificationsQueue string
param communicationEndpoint string
param smsFromNumber string
param smsLimitPerPartyPerDay int
param smsLimitPerNumberPerDay int
param smsLimitPerRestaurantPerDay int
param uploadsBlobEndpoint string
param uploadsContainer string

// Flex Consumption pulls the app package from this container with the app's identity.
var deploymentContainerName = 'app-package'

// Only the gateway reaches the HTTP functions. Every HTTP function is anonymous at the Functions
// level and checks the JWT itself, so these rules, not a function key, are what stop callers from
// skipping the gateway's JWT validation, rate limits and quotas.
var gatewayRules = [
  for (ip, i) in gatewayPublicIpAddresses: {
    name: 'apim-gateway-${i}'
    description: 'API Management gateway'
    action: 'Allow'
    priority: 100 + i
    ipAddress: '${ip}/32'
  }
]

// Event Grid delivers SMS delivery reports to /runtime/webhooks/eventgrid. The service tag admits
// Event Grid on behalf of any tenant, on every path; that stays closed because the webhook wants
// the Event Grid extension's system key, and Event Grid sends nothing to a webhook URL that has not
// answered its validation handshake, which the HTTP functions never do.
var eventGridRule = {
  name: 'event-grid'
  description: 'Event Grid deliveries (SMS delivery reports)'
  action: 'Allow'
  priority: 300
  ipAddress: 'AzureEventGrid'
  tag: 'ServiceTag'
}

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: appIdentityName
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2026-09-01' = {
  name: hostStorageName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource hostBlobService 'Microsoft.Storage/storageAccounts/blobServices@2026-09-01' = {
  parent: hostStorage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-09-01' = {
  parent: hostBlobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// The Functions host keeps timer-trigger leases and its own state in blobs; Microsoft documents
// Storage Blob Data Owner as the role for an identity-based AzureWebJobsStorage. No queue or table
// role: the app has neither queue- nor table-backed triggers.
resource hostBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, appIdentity.id, 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
  scope: hostStorage
  properties: {
    description: 'Storage Blob Data Owner on the host storage account: Functions host state, timer leases and the deployment package.'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: functionAppName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
      ipSecurityRestrictionsDefaultAction: 'Deny'
      ipSecurityRestrictions: concat(gatewayRules, [eventGridRule])
      // Deployments go to the SCM site with Entra ID (basic publishing credentials are off below),
      // from runners whose addresses are not known in advance.
      scmIpSecurityRestrictionsUseMain: false
      scmIpSecurityRestrictionsDefaultAction: 'Allow'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostStorage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }

  // Flex Consumption takes the runtime from functionAppConfig, so FUNCTIONS_WORKER_RUNTIME and
  // FUNCTIONS_EXTENSION_VERSION are not set (the platform rejects them).
  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      AzureWebJobsStorage__accountName: hostStorage.name
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      // host.json's telemetryMode OpenTelemetry: the host exports its logs and spans to this address,
      // and src/index.ts starts the Azure Monitor distro in the worker when it is set. Application
      // Insights refuses keys (monitoring.bicep), so both send with the identity this string names,
      // which holds Monitoring Metrics Publisher on the resource.
      APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'
      AZURE_CLIENT_ID: identityClientId
      COSMOS_ENDPOINT: cosmosEndpoint
      COSMOS_DATABASE: cosmosDatabase
      JWT_ISSUER: jwtIssuer
      JWT_AUDIENCE: jwtAudience
      JWT_SIGNING_KEYS: jwtSigningReference
      ACCESS_TOKEN_TTL_SECONDS: string(accessTokenTtlSeconds)
      REFRESH_TOKEN_TTL_DAYS: string(refreshTokenTtlDays)
      PASSWORD_HASH_COST: string(passwordHashCost)
      STATUS_PAGE_BASE_URL: statusPageBaseUrl
      STATUS_LINK_LIFETIME_HOURS: string(statusLinkLifetimeHours)
      JOIN_LINK_BASE_URL: joinLinkBaseUrl
      JOIN_CODES_PER_NUMBER_PER_HOUR: string(joinCodesPerNumberPerHour)
      JOIN_CODES_PER_ADDRESS_PER_HOUR: string(joinCodesPerAddressPerHour)
      ServiceBusConnection__fullyQualifiedNamespace: serviceBusNamespace
      ServiceBusConnection__credential: 'managedidentity'
      ServiceBusConnection__clientId: identityClientId
      NOTIFICATIONS_QUEUE: notificationsQueue
      ACS_ENDPOINT: communicationEndpoint
      SMS_FROM_NUMBER: smsFromNumber
      SMS_LIMIT_PER_PARTY_PER_DAY: string(smsLimitPerPartyPerDay)
      SMS_LIMIT_PER_NUMBER_PER_DAY: string(smsLimitPerNumberPerDay)
      SMS_LIMIT_PER_RESTAURANT_PER_DAY: string(smsLimitPerRestaurantPerDay)
      UPLOADS_BLOB_ENDPOINT: uploadsBlobEndpoint
      UPLOADS_CONTAINER: uploadsContainer
    }
    // The host cannot start until it may read its storage.
    dependsOn: [hostBlobOwner]
  }
}

resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'ftp'
  // Missing from the type data, but ARM refuses the policy without it (Azure/bicep-types-az#1526).
  #disable-next-line BCP187
  location: location
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'scm'
  // As for ftpCredentials.
  #disable-next-line BCP187
  location: location
  properties: {
    allow: false
  }
}

// 2021-05-01-preview is the newest diagnosticSettings version and the only one with this shape
// (categoryGroup, a named setting); the one GA version, 2016-09-01, is the legacy per-service form.
#disable-next-line use-recent-api-versions
resource functionLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'functions-to-log-analytics'
  scope: functionApp
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'FunctionAppLogs'
        enabled: true
      }
    ]
  }
}

output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
output hostStorageName string = hostStorage.name
