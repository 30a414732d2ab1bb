// The shared dev environment, deployed by .github/workflows/deploy.yml from main. Cheap tiers with
// no SLA; torn down and recreated freely, so no purge protection.
using './main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'waitlist-dev')
param location = readEnvironmentVariable('AZURE_LOCATION', 'westeurope')
param deployerPrincipalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
param deployerPrincipalType = 'ServicePrincipal'
param apimPublisherEmail = readEnvironmentVariable('APIM_PUBLISHER_EMAIL', 'ops@example.com')
param alertEmail = readEnvironmentVariable('ALERT_EMAIL', 'ops@example.com')
param smsFromNumber = readEnvironmentVariable('SMS_FROM_NUMBER', '')

param apimSku = 'Developer'
param cosmosThroughputMode = 'Serverless'
param staticWebAppSku = 'Free'
param functionMaximumInstanceCount = 40
param keyVaultPurgeProtection = false
