// The staff single-page app. It calls the API through the gateway, so the site itself has no
// backend link and no app settings.
import { resourceTags } from 'types.bicep'

param name string
param location string
param sku string
param tags resourceTags

resource site 'Microsoft.Web/staticSites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'web' })
  sku: {
    name: sku
    tier: sku
  }
  properties: {
    provider: 'Custom'
    allowConfigFileUpdates: true
  }
}

output name string = site.name
output origin string = 'https://${site.properties.defaultHostname}'
