// Production, deployed by .github/workflows/deploy.yml after a reviewer approves the `prod`
// GitHub environment. Tiers with an SLA, provisioned Cosmos DB throughput, purge protection.
using './main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'waitlist-prod')
param location = readEnvironmentVariable('AZURE_LOCATION', 'westeurope')
param deployerPrincipalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
param deployerPrincipalType = 'ServicePrincipal'
param apimPublisherEmail = readEnvironmentVariable('APIM_PUBLISHER_EMAIL', 'ops@example.com')
// No default: production's alerts must reach a real on-call address.
param alertEmail = readEnvironmentVariable('ALERT_EMAIL')
param smsFromNumber = readEnvironmentVariable('SMS_FROM_NUMBER', '')

param apimSku = 'Standard'
param apimCapacity = 1
param cosmosThroughputMode = 'Autoscale'
param cosmosAutoscaleMaxThroughput = 4000
param staticWebAppSku = 'Standard'
param functionMaximumInstanceCount = 100
param keyVaultPurgeProtection = true
