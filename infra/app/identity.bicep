// The function app's only identity. User-assigned rather than system-assigned so that role
// assignments exist before the app does and survive its replacement.
import { resourceTags } from 'types.bicep'

param name string
param location string
param tags resourceTags

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
