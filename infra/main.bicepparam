// Parameters `azd up` uses (azd reads infra/main.bicepparam): a personal sandbox shaped like dev,
// named after the azd environment and owned by whoever runs azd.
using './main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME')
param location = readEnvironmentVariable('AZURE_LOCATION')
param deployerPrincipalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
param deployerPrincipalType = 'User'
param apimPublisherEmail = readEnvironmentVariable('APIM_PUBLISHER_EMAIL', 'ops@example.com')
param alertEmail = readEnvironmentVariable('ALERT_EMAIL', 'ops@example.com')
param smsFromNumber = readEnvironmentVariable('SMS_FROM_NUMBER', '')

param apimSku = 'Developer'
param cosmosThroughputMode = 'Serverless'
param staticWebAppSku = 'Free'
param keyVaultPurgeProtection = false
