// The whole Waitlist system in one subscription-scope deployment: a resource group and one module
// per concern. Every name derives from the environment name, every data-plane call is made with
// the function app's user-assigned identity, and no resource accepts keys.
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('Name of the environment (azd environment or GitHub environment); every resource name and the resource group derive from it.')
param environmentName string

@minLength(1)
@description('Azure region for every regional resource.')
param location string

@description('Static Web Apps is offered in a few regions only; the SPA is served from its global edge anyway.')
@allowed(['westus2', 'centralus', 'eastus2', 'westeurope', 'eastasia'])
param staticWebAppLocation string = 'westeurope'

@description('Free has no SLA; Standard adds custom domains with SLA and more staging slots.')
@allowed(['Free', 'Standard'])
param staticWebAppSku string = 'Free'

@description('''
API Management tier. Only the classic dedicated tiers are offered because the backend admits
traffic from the gateway's own public IP addresses, which only these tiers have (exclusive and
static), and because rate-limit-by-key, quota-by-key and per-product quota policies all run on them.
Developer has no SLA (dev only); Basic, Standard or Premium for production.
''')
@allowed(['Developer', 'Basic', 'Standard', 'Premium'])
param apimSku string = 'Developer'

@minValue(1)
@description('Scale units of the API Management gateway (Developer is always 1).')
param apimCapacity int = 1

@description('Contact address API Management sends service notifications to.')
param apimPublisherEmail string

@minLength(3)
@description('Address the alerts mail (the on-call action group, infra/app/alerts.bicep). Required for production (ALERT_EMAIL); dev and sandboxes default to a placeholder.')
param alertEmail string

@description('Organisation name shown in the developer portal and notification mails.')
param apimPublisherName string = 'Waitlist'

@description('Serverless bills per request (dev, spiky load); Autoscale provisions shared database throughput that scales between 10% and 100% of the maximum.')
@allowed(['Serverless', 'Autoscale'])
param cosmosThroughputMode string = 'Serverless'

@minValue(1000)
@description('Maximum RU/s of the shared database throughput when cosmosThroughputMode is Autoscale.')
param cosmosAutoscaleMaxThroughput int = 1000

@description('Audience (`aud`) of the access tokens the app issues; validate-jwt checks the same value.')
param jwtAudience string = 'api://waitlist'

@minValue(60)
@maxValue(3600)
param accessTokenTtlSeconds int = 900

@minValue(1)
@maxValue(365)
param refreshTokenTtlDays int = 30

@description('"Table ready" texts one party may get in a UTC day (SMS_LIMIT_PER_PARTY_PER_DAY).')
@minValue(1)
@maxValue(20)
param smsLimitPerPartyPerDay int = 3

@description('Texts one phone number may get in a UTC day, across restaurants (SMS_LIMIT_PER_NUMBER_PER_DAY).')
@minValue(1)
@maxValue(1000)
param smsLimitPerNumberPerDay int = 10

@description('Texts one restaurant may send in a UTC day (SMS_LIMIT_PER_RESTAURANT_PER_DAY).')
@minValue(1)
@maxValue(10000)
param smsLimitPerRestaurantPerDay int = 1000

@minValue(10)
@maxValue(20)
@description('scrypt cost as log2(N) for new password hashes.')
param passwordHashCost int = 16

@description('E.164 number, bought in the Communication Services resource, that notifications are sent from. Empty until a number has been acquired.')
param smsFromNumber string = ''

@description('Where Communication Services keeps data at rest.')
param communicationDataLocation string = 'Europe'

@minValue(40)
@maxValue(1000)
@description('Upper bound of Flex Consumption instances, a cost guard.')
param functionMaximumInstanceCount int = 40

@allowed([512, 2048, 4096])
@description('Memory of each Flex Consumption instance. scrypt at cost 16 takes 64 MiB per concurrent hash.')
param functionInstanceMemoryMB int = 2048

@description('Purge protection cannot be turned off once on: keep it on in production, off where environments are torn down and recreated.')
param keyVaultPurgeProtection bool = false

@description('Object id of the principal that runs the deployment (azd sets AZURE_PRINCIPAL_ID; the workflow passes its service principal). It may seed the JWT signing key; empty grants nothing.')
param deployerPrincipalId string = ''

@description('Whether deployerPrincipalId is a signed-in user (azd on a laptop) or a service principal (the workflow).')
@allowed(['User', 'ServicePrincipal'])
param deployerPrincipalType string = 'User'

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'waitlist'
}

var names = {
  resourceGroup: 'rg-${environmentName}'
  identity: 'id-api-${resourceToken}'
  logAnalytics: 'log-${resourceToken}'
  appInsights: 'appi-${resourceToken}'
  cosmos: 'cosmos-${resourceToken}'
  serviceBus: 'sb-${resourceToken}'
  uploadsStorage: 'stup${resourceToken}'
  hostStorage: 'stfn${resourceToken}'
  communication: 'acs-${resourceToken}'
  keyVault: 'kv-${resourceToken}'
  plan: 'plan-${resourceToken}'
  functionApp: 'func-${resourceToken}'
  apim: 'apim-${resourceToken}'
  staticWebApp: 'stapp-${resourceToken}'
  smsEventsTopic: 'evgt-${resourceToken}'
}

// The public face of the API is the gateway: the issuer, the discovery document and the status
// links all live under it, never under the function app's own host name. Join links (printed on
// posters) open the web app's join page, /j/{code}, on the Static Web App.
var gatewayUrl = 'https://${names.apim}.azure-api.net'
var jwtIssuer = '${gatewayUrl}/api'
var statusPageBaseUrl = '${gatewayUrl}/api/v1/status/'

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: names.resourceGroup
  location: location
  tags: tags
}

// Modules take other resources by name (compile-time values, so what-if can predict every resource
// id) rather than from module outputs, and say what they wait for with dependsOn: the modules that
// grant the app's identity a role read it by name, so they wait for the identity module.
module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    appInsightsName: names.appInsights
    location: location
    tags: tags
    appIdentityName: names.identity
  }
  dependsOn: [identity]
}

module web 'app/web.bicep' = {
  name: 'web'
  scope: rg
  params: {
    name: names.staticWebApp
    location: staticWebAppLocation
    sku: staticWebAppSku
    tags: tags
  }
}

module db 'app/db.bicep' = {
  name: 'db'
  scope: rg
  params: {
    accountName: names.cosmos
    location: location
    tags: tags
    throughputMode: cosmosThroughputMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    appIdentityName: names.identity
  }
  dependsOn: [identity]
}

module messaging 'app/messaging.bicep' = {
  name: 'messaging'
  scope: rg
  params: {
    namespaceName: names.serviceBus
    location: location
    tags: tags
    appIdentityName: names.identity
  }
  dependsOn: [identity]
}

module uploads 'app/uploads.bicep' = {
  name: 'uploads'
  scope: rg
  params: {
    accountName: names.uploadsStorage
    location: location
    tags: tags
    spaOrigin: web.outputs.origin
    appIdentityName: names.identity
  }
  dependsOn: [identity]
}

module sms 'app/sms.bicep' = {
  name: 'sms'
  scope: rg
  params: {
    name: names.communication
    dataLocation: communicationDataLocation
    tags: tags
    appIdentityName: names.identity
  }
  dependsOn: [identity]
}

module secrets 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    purgeProtection: keyVaultPurgeProtection
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    appIdentityName: names.identity
    deployerPrincipalId: deployerPrincipalId
    deployerPrincipalType: deployerPrincipalType
  }
  dependsOn: [identity]
}

module gateway 'app/gateway.bicep' = {
  name: 'gateway'
  scope: rg
  params: {
    name: names.apim
    location: location
    tags: tags
    sku: apimSku
    capacity: apimCapacity
    publisherEmail: apimPublisherEmail
    publisherName: apimPublisherName
    jwtIssuer: jwtIssuer
    jwtAudience: jwtAudience
    spaOrigin: web.outputs.origin
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    functionAppName: names.functionApp
    planName: names.plan
    hostStorageName: names.hostStorage
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    appIdentityName: names.identity
    maximumInstanceCount: functionMaximumInstanceCount
    instanceMemoryMB: functionInstanceMemoryMB
    appInsightsName: names.appInsights
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    gatewayPublicIpAddresses: gateway.outputs.publicIpAddresses
    cosmosEndpoint: db.outputs.endpoint
    cosmosDatabase: db.outputs.databaseName
    jwtIssuer: jwtIssuer
    jwtAudience: jwtAudience
    jwtSigningReference: secrets.outputs.jwtSigningReference
    accessTokenTtlSeconds: accessTokenTtlSeconds
    refreshTokenTtlDays: refreshTokenTtlDays
    passwordHashCost: passwordHashCost
    statusPageBaseUrl: statusPageBaseUrl
    joinLinkBaseUrl: '${web.outputs.origin}/j/'
    serviceBusNamespace: messaging.outputs.fullyQualifiedNamespace
    notificationsQueue: messaging.outputs.notificationsQueueName
    communicationEndpoint: sms.outputs.endpoint
    smsFromNumber: smsFromNumber
    smsLimitPerPartyPerDay: smsLimitPerPartyPerDay
    smsLimitPerNumberPerDay: smsLimitPerNumberPerDay
    smsLimitPerRestaurantPerDay: smsLimitPerRestaurantPerDay
    uploadsBlobEndpoint: uploads.outputs.blobEndpoint
    uploadsContainer: uploads.outputs.containerName
  }
}

// The event subscription to these events is infra/delivery-reports.bicep, deployed after the code.
module deliveryReports 'app/delivery-reports.bicep' = {
  name: 'delivery-reports'
  scope: rg
  params: {
    name: names.smsEventsTopic
    communicationName: names.communication
    deadLetterStorageName: names.hostStorage
    tags: tags
  }
  dependsOn: [sms, api]
}

module gatewayApi 'app/gateway-api.bicep' = {
  name: 'gateway-api'
  scope: rg
  params: {
    apimName: names.apim
    productNames: gateway.outputs.productNames
    backendUrl: 'https://${api.outputs.defaultHostName}/api'
    // The OpenAPI 3.0.3 rendition of openapi/openapi.json (`npm run openapi:apim`; git-ignored): APIM's
    // 3.1 import rejects type arrays and info.summary. loadJsonContent allows a document eight times
    // larger than loadTextContent does; the module takes it back as text, which is what APIM imports.
    openApiDocument: string(loadJsonContent('../openapi/openapi.apim.json'))
  }
}

// Alerts, the availability test and the workbook: they read the resources they watch by name.
module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    alertEmail: alertEmail
    appInsightsName: names.appInsights
    serviceBusNamespaceName: names.serviceBus
    notificationsQueueName: messaging.outputs.notificationsQueueName
    cosmosAccountName: names.cosmos
    healthUrl: '${gatewayUrl}/api/health'
  }
  dependsOn: [monitoring, db]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output API_GATEWAY_URL string = '${gatewayUrl}/api'
output SPA_URL string = web.outputs.origin
@description('The uploads account\'s blob endpoint: the staff SPA\'s CSP lets its pictures and upload PUTs in (scripts/write-web-config.sh).')
output UPLOADS_BLOB_ENDPOINT string = uploads.outputs.blobEndpoint
output FUNCTION_APP_NAME string = api.outputs.name
output STATIC_WEB_APP_NAME string = web.outputs.name
output AZURE_KEY_VAULT_NAME string = secrets.outputs.name
output APIM_NAME string = gateway.outputs.name
output JWT_ISSUER string = jwtIssuer
// Parameters of infra/delivery-reports.bicep, deployed once the function code is.
output SMS_EVENTS_TOPIC_NAME string = deliveryReports.outputs.systemTopicName
output DEAD_LETTER_STORAGE_NAME string = api.outputs.hostStorageName
output DEAD_LETTER_CONTAINER string = deliveryReports.outputs.deadLetterContainerName
