// API Management: the only public entry to the API. This module holds what does not depend on the
// function app (the service, named values, products); gateway-api.bicep adds the API once the
// backend exists. The split breaks the cycle "backend admits only the gateway's IPs" versus
// "gateway forwards to the backend's host name".
import { resourceTags } from 'types.bicep'

param name string
param location string
param tags resourceTags

@allowed(['Developer', 'Basic', 'Standard', 'Premium'])
param sku string

param capacity int
param publisherEmail string
param publisherName string
param jwtIssuer string
param jwtAudience string
param spaOrigin string
param logAnalyticsWorkspaceId string

resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: sku
    capacity: sku == 'Developer' ? 1 : capacity
  }
  properties: {
    publisherEmail: publisherEmail
    publisherName: publisherName
    publicNetworkAccess: 'Enabled'
    // Management API versions older than 2021-08-01 return secrets in GET responses.
    apiVersionConstraint: {
      minApiVersion: '2021-08-01'
    }
    customProperties: {
      'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10': 'false'
      'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11': 'false'
      'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Ssl30': 'false'
      'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls10': 'false'
      'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls11': 'false'
      'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Ssl30': 'false'
      'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TripleDes168': 'false'
      'Microsoft.WindowsAzure.ApiManagement.Gateway.Protocols.Server.Http2': 'true'
    }
  }
}

// Policies read these as {{name}}. The test suite checks that jwt-issuer and jwt-audience are the
// values the app gets as JWT_ISSUER and JWT_AUDIENCE.
resource issuerValue 'Microsoft.ApiManagement/service/namedValues@2024-05-01' = {
  parent: apim
  name: 'jwt-issuer'
  properties: {
    displayName: 'jwt-issuer'
    value: jwtIssuer
    secret: false
  }
}

resource audienceValue 'Microsoft.ApiManagement/service/namedValues@2024-05-01' = {
  parent: apim
  name: 'jwt-audience'
  properties: {
    displayName: 'jwt-audience'
    value: jwtAudience
    secret: false
  }
}

resource spaOriginValue 'Microsoft.ApiManagement/service/namedValues@2024-05-01' = {
  parent: apim
  name: 'spa-origin'
  properties: {
    displayName: 'spa-origin'
    value: spaOrigin
    secret: false
  }
}

// Usage plans. Client apps (customer-facing mobile and partner apps) each get a subscription,
// approved by ops, with a per-subscription rate limit and monthly quota.
resource clientApps 'Microsoft.ApiManagement/service/products@2024-05-01' = {
  parent: apim
  name: 'client-apps'
  properties: {
    displayName: 'Client apps'
    description: 'Customer-facing apps. One subscription per app; rate limit and monthly quota per subscription.'
    subscriptionRequired: true
    approvalRequired: true
    subscriptionsLimit: 1
    state: 'published'
  }
}

resource clientAppsPolicy 'Microsoft.ApiManagement/service/products/policies@2024-05-01' = {
  parent: clientApps
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: loadTextContent('../apim/policies/product-client-apps.xml')
  }
}

// The staff SPA is one public client shared by every staff member, so its key identifies the app,
// not a person: its product limits per signed-in user.
resource staffSpa 'Microsoft.ApiManagement/service/products@2024-05-01' = {
  parent: apim
  name: 'staff-spa'
  properties: {
    displayName: 'Staff SPA'
    description: 'The staff single-page app. Rate limited per signed-in user.'
    subscriptionRequired: true
    approvalRequired: true
    subscriptionsLimit: 1
    state: 'published'
  }
}

resource staffSpaPolicy 'Microsoft.ApiManagement/service/products/policies@2024-05-01' = {
  parent: staffSpa
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: loadTextContent('../apim/policies/product-staff-spa.xml')
  }
}

resource staffSpaSubscription 'Microsoft.ApiManagement/service/subscriptions@2024-05-01' = {
  parent: apim
  name: 'staff-spa'
  properties: {
    displayName: 'Staff SPA'
    scope: staffSpa.id
    state: 'active'
    allowTracing: false
  }
}

// 2021-05-01-preview is the newest diagnosticSettings version and the only one with this shape
// (categoryGroup, a named setting); the one GA version, 2016-09-01, is the legacy per-service form.
#disable-next-line use-recent-api-versions
resource gatewayLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'gateway-to-log-analytics'
  scope: apim
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

output name string = apim.name
output publicIpAddresses string[] = apim.properties.publicIPAddresses
output productNames string[] = [clientApps.name, staffSpa.name]
