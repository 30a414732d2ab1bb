// Cosmos DB for NoSQL: the account, the `waitlist` database and the containers with the partition
// keys the repositories query by. Keys are disabled; the app identity gets the built-in Data
// Contributor role on this account only.
import { resourceTags } from 'types.bicep'

param accountName string
param location string
param tags resourceTags

@allowed(['Serverless', 'Autoscale'])
param throughputMode string

param autoscaleMaxThroughput int
@description('Name of the function app\'s user-assigned identity, which the role assignments here are for.')
param appIdentityName string

var databaseName = 'waitlist'

// Every repository reads by point read or single-partition query on these keys; changing one means
// a new container and a migration, never an in-place edit. A null defaultTtl is omitted, which leaves TTL off.
var containers = [
  {
    // One-time code counters and the texts counted per phone number and day expire by per-item `ttl`.
    name: 'users'
    partitionKey: '/pk'
    excludedPaths: []
    compositeIndexes: []
    defaultTtl: -1
  }
  {
    // Refresh tokens expire by per-item `ttl`; -1 turns TTL on without a container-wide expiry.
    name: 'refreshTokens'
    partitionKey: '/id'
    excludedPaths: []
    compositeIndexes: []
    defaultTtl: -1
  }
  {
    name: 'restaurants'
    partitionKey: '/restaurantId'
    excludedPaths: []
    compositeIndexes: []
    defaultTtl: null
  }
  {
    // Also holds the notification outbox records of each waitlist and the producer's due entries
    // (type 'dueWork'), written in the same batch as the party they are about. Free-text notes are
    // never filtered on, so they cost no index RUs. Join requests and their code texts expire by
    // per-item `ttl`. The sweep's one cross-partition query (`type = 'dueWork' AND dueAt <= now`,
    // ORDER BY type, dueAt) is served by the composite index: it reads the entries due and nothing
    // else, though texts carry a dueAt too.
    name: 'waitees'
    partitionKey: '/waitlistId'
    excludedPaths: [
      {
        path: '/notes/?'
      }
    ]
    compositeIndexes: [
      [
        {
          path: '/type'
          order: 'ascending'
        }
        {
          path: '/dueAt'
          order: 'ascending'
        }
      ]
    ]
    defaultTtl: -1
  }
  {
    name: 'statusLinks'
    partitionKey: '/id'
    excludedPaths: []
    compositeIndexes: []
    defaultTtl: null
  }
  {
    // Where the producer's due entries lived before they moved beside their parties (waitees).
    // Nothing writes here any more; the producer's sweep moves what is left into waitees. Kept
    // until a release notes it can go (docs/deploy.md, The due entries' move). No TTL: an entry
    // must never vanish before it is handled.
    name: 'dueWork'
    partitionKey: '/waitlistId'
    excludedPaths: []
    compositeIndexes: []
    defaultTtl: null
  }
  {
    // Per-day analytics rollups, one per waitlist and day: a year of a restaurant is one partition
    // query on restaurantId, waitlistId and date, so the figures and counted ids are not indexed.
    name: 'analytics'
    partitionKey: '/restaurantId'
    excludedPaths: [
      {
        path: '/figures/*'
      }
      {
        path: '/counted/*'
      }
    ]
    compositeIndexes: []
    defaultTtl: null
  }
]

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: appIdentityName
}

resource account 'Microsoft.DocumentDB/databaseAccounts@2026-03-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: throughputMode == 'Serverless' ? [{ name: 'EnableServerless' }] : []
    disableLocalAuth: true
    // Control-plane changes (containers, throughput) go through ARM only, where RBAC applies.
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2026-03-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    // Shared autoscale throughput: seven small containers would waste seven minimums if provisioned apart.
    options: throughputMode == 'Autoscale' ? { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } } : {}
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2026-03-15' = [
  for container in containers: {
    parent: database
    name: container.name
    properties: {
      resource: {
        id: container.name
        partitionKey: {
          paths: [container.partitionKey]
          kind: 'Hash'
          version: 2
        }
        indexingPolicy: {
          indexingMode: 'consistent'
          automatic: true
          includedPaths: [
            {
              path: '/*'
            }
          ]
          excludedPaths: concat(container.excludedPaths, [{ path: '/"_etag"/?' }])
          compositeIndexes: container.compositeIndexes
        }
        defaultTtl: container.defaultTtl
      }
    }
  }
]

// Cosmos DB data-plane roles live in the account, not in Azure RBAC.
// 00000000-0000-0000-0000-000000000002 is the built-in "Cosmos DB Built-in Data Contributor".
resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2026-03-15' = {
  parent: account
  name: guid(account.id, appIdentity.id, '00000000-0000-0000-0000-000000000002')
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002'
    principalId: appIdentity.properties.principalId
    scope: account.id
  }
}

output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
