// The Waitlist API in API Management: imported from the project's OpenAPI document, forwarded to
// the function app, guarded by the policy in apim/policies/api.xml, offered in both products.
param apimName string
param backendUrl string
param productNames string[]

@description('The OpenAPI 3.0 document as JSON text (the rendition of openapi/openapi.json). Its paths are relative to the /api route prefix.')
param openApiDocument string

resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apimName
}

resource backend 'Microsoft.ApiManagement/service/backends@2024-05-01' = {
  parent: apim
  name: 'waitlist-functions'
  properties: {
    description: 'The Waitlist function app; it admits only this gateway\'s IP addresses.'
    protocol: 'http'
    url: backendUrl
    tls: {
      validateCertificateChain: true
      validateCertificateName: true
    }
  }
}

resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: apim
  name: 'waitlist'
  properties: {
    displayName: 'Waitlist'
    apiType: 'http'
    // The gateway path equals the Functions route prefix, so public URLs and the JWT issuer read
    // the same through the gateway as on the app itself.
    path: 'api'
    protocols: ['https']
    // Discovery documents and status pages are opened without a key (by browsers following an SMS
    // link, by JWT validators); api.xml demands a subscription on every other route.
    subscriptionRequired: false
    // The header the contract declares as its apiKey security scheme (openapi/openapi.json,
    // subscriptionKey); the test suite keeps the two the same.
    subscriptionKeyParameterNames: {
      header: 'Ocp-Apim-Subscription-Key'
      query: 'subscription-key'
    }
    format: 'openapi+json'
    value: openApiDocument
    serviceUrl: backendUrl
  }
}

resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  parent: api
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: loadTextContent('../apim/policies/api.xml')
  }
  // The policy names the backend by id, which Bicep cannot see.
  dependsOn: [backend]
}

resource products 'Microsoft.ApiManagement/service/products@2024-05-01' existing = [
  for productName in productNames: {
    parent: apim
    name: productName
  }
]

resource productApis 'Microsoft.ApiManagement/service/products/apis@2024-05-01' = [
  for (productName, i) in productNames: {
    parent: products[i]
    name: api.name
  }
]
