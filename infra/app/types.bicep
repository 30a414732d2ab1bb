// Types and names the templates share, so a wrong shape fails at compile time instead of in a
// deployment, and two templates cannot disagree on a name.

@export()
@description('Resource tags: tag names to string values.')
type resourceTags = {
  *: string
}

@export()
@description('Id (a GUID) of the custom role that sends SMS, one per subscription; infra/roles.bicep defines it.')
func smsSenderRoleName(subscriptionId string) string => guid(subscriptionId, 'waitlist-sms-sender')
