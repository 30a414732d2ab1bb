// Custom roles, defined once per subscription by whoever sets the subscription up (docs/deploy.md),
// so the identity that deploys main.bicep needs no right to write role definitions.
//
// The SMS sender role. Communication Services has no data-plane role: its resource provider defines
// no dataActions, and its data plane authorises Microsoft Entra callers against the resource's
// control-plane permissions. Microsoft documents Contributor, and a custom role with read and write
// on the resource for its Entra ID–authenticated email and SMTP clients. This role holds only
// those two actions: unlike Contributor it cannot delete the resource, list or regenerate its keys,
// link notification hubs or manage its Event Grid filters. sms.bicep assigns it on one
// Communication Services resource, not on the subscription its definition is assignable in.
targetScope = 'subscription'

import { smsSenderRoleName } from 'app/types.bicep'

resource smsSender 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: smsSenderRoleName(subscription().id)
  properties: {
    // Role names are unique in a tenant, which may hold several subscriptions with this system.
    roleName: 'Waitlist SMS Sender (${subscription().subscriptionId})'
    description: 'Send SMS through an Azure Communication Services resource with Microsoft Entra ID: read and write on that resource only.'
    type: 'CustomRole'
    permissions: [
      {
        actions: [
          'Microsoft.Communication/CommunicationServices/Read'
          'Microsoft.Communication/CommunicationServices/Write'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [subscription().id]
  }
}

output SMS_SENDER_ROLE_ID string = smsSender.name
