// Shapes the modules share, so a wrong value fails at compile time instead of in a deployment.

@export()
@description('Resource tags: tag names to string values.')
type resourceTags = {
  *: string
}
