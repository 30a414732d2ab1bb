/**
 * Builds and lints every Bicep entry point with the real Bicep CLI (installed from NuGet by
 * scripts/bicep.sh when it is not on PATH), then checks the compiled ARM JSON against the rules
 * the design sets: keyless, least-privilege roles, TLS, no secrets in outputs or settings, and app
 * settings that match src/config.ts.
 *
 * This is the only test file that runs Bicep, so parallel workers never race on the install.
 * Where Bicep cannot be installed (no NuGet source carrying it), the checks are skipped with a
 * warning, unless WAITLIST_REQUIRE_BICEP=1 (set in CI), which turns that into a failure.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { containerDefinitions } from '../../src/adapters/cosmos/client.js';
import { uploadCorsRule } from '../../src/adapters/blob/blob-store.js';
import { settingsReference } from '../../src/config.js';
import { smsDeliveryReportEventType, smsDeliveryReports } from '../../src/functions/delivery-reports.js';
import {
  byType,
  entries,
  isObject,
  type Json,
  type JsonObject,
  modules,
  obj,
  parameterName,
  repoRoot,
  resolved,
  resources,
  run,
  str,
  strings,
  text,
  type Resource,
} from './arm.js';
import { bicepAvailable, bicepScript, infraWorkspace } from './bicep-workspace.js';

const policiesDir = join(repoRoot, 'infra', 'apim', 'policies');

/** A diagnostic line as Bicep prints it: `path(line,col) : Warning rule-name: message`. */
const diagnosticPattern = /\(\d+,\d+\) : (Error|Warning) /;

interface Compiled {
  readonly main: JsonObject;
  /** infra/delivery-reports.bicep, the entry point deployed after the function code. */
  readonly deliveryReports: JsonObject;
  /** infra/roles.bicep, the custom roles set up once per subscription. */
  readonly roles: JsonObject;
  readonly parameterFiles: Readonly<Record<string, JsonObject>>;
  /** Bicep's output per command, which must hold no diagnostic. */
  readonly outputs: ReadonlyMap<string, string>;
  /** Bicep files `bicep format` would change. */
  readonly unformatted: readonly string[];
}

let compiled: Compiled | undefined;

async function bicepFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await bicepFiles(path)));
    else if (entry.name.endsWith('.bicep')) found.push(path);
  }
  return found.sort();
}

beforeAll(async () => {
  if (!(await bicepAvailable('Bicep'))) return;
  const work = await infraWorkspace('waitlist-bicep-');
  try {
    await mkdir(join(work, 'out'));

    const infra = join(work, 'infra');
    // ALERT_EMAIL: production's parameter file has no default for it (test/infra/alerts.test.ts).
    const env = { ...process.env, AZURE_ENV_NAME: 'ci', AZURE_LOCATION: 'westeurope', ALERT_EMAIL: 'oncall@example.com' };
    const commands: [string, string[]][] = [];
    commands.push(['lint **/*.bicep', ['lint', '--pattern', `${infra}/**/*.bicep`]]);
    commands.push(['build main.bicep', ['build', join(infra, 'main.bicep'), '--outfile', join(work, 'out', 'main.json')]]);
    commands.push(['build roles.bicep', ['build', join(infra, 'roles.bicep'), '--outfile', join(work, 'out', 'roles.json')]]);
    commands.push([
      'build delivery-reports.bicep',
      ['build', join(infra, 'delivery-reports.bicep'), '--outfile', join(work, 'out', 'delivery-reports.json')],
    ]);
    const parameterFiles = (await readdir(infra)).filter((name) => name.endsWith('.bicepparam')).sort();
    for (const name of parameterFiles) {
      commands.push([`build-params ${name}`, ['build-params', join(infra, name), '--outfile', join(work, 'out', `${name}.json`)]]);
    }

    const outputs = new Map<string, string>();
    // Two at a time: each Bicep process loads the whole type index.
    for (let i = 0; i < commands.length; i += 2) {
      const batch = commands.slice(i, i + 2);
      const results = await Promise.all(batch.map(([, args]) => run('bash', [bicepScript, ...args], { env })));
      batch.forEach(([label], j) => {
        const result = results[j];
        if (result === undefined) return;
        outputs.set(label, result.code === 0 ? result.output : `exit ${result.code}\n${result.output}`);
      });
    }

    // The formatter decides layout: format the copy, then list the files it changed.
    const format = await run('bash', [bicepScript, 'format', '--pattern', `${infra}/**/*.bicep`], { env });
    if (format.code !== 0) throw new Error(`bicep format failed:\n${format.output}`);
    const unformatted: string[] = [];
    for (const file of await bicepFiles(infra)) {
      const name = file.slice(work.length + 1);
      if ((await readFile(file, 'utf8')) !== (await readFile(join(repoRoot, name), 'utf8'))) unformatted.push(name);
    }

    const readJson = async (path: string): Promise<JsonObject> => obj(JSON.parse(await readFile(path, 'utf8')) as Json, path);
    compiled = {
      main: await readJson(join(work, 'out', 'main.json')),
      deliveryReports: await readJson(join(work, 'out', 'delivery-reports.json')),
      roles: await readJson(join(work, 'out', 'roles.json')),
      parameterFiles: Object.fromEntries(
        await Promise.all(parameterFiles.map(async (name) => [name, await readJson(join(work, 'out', `${name}.json`))] as const)),
      ),
      outputs,
      unformatted,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}, 600_000);

function built(ctx: TestContext): Compiled {
  if (compiled === undefined) ctx.skip('Bicep CLI unavailable');
  return compiled;
}

describe('bicep build and lint', () => {
  it('builds and lints every entry point with zero errors and zero warnings', (ctx) => {
    const { outputs } = built(ctx);
    expect([...outputs.keys()]).toEqual(
      expect.arrayContaining([
        'lint **/*.bicep',
        'build main.bicep',
        'build roles.bicep',
        'build delivery-reports.bicep',
        'build-params main.dev.bicepparam',
        'build-params main.prod.bicepparam',
      ]),
    );
    for (const [label, output] of outputs) {
      expect(output.startsWith('exit '), `${label} failed:\n${output}`).toBe(false);
      const diagnostics = output.split('\n').filter((line) => diagnosticPattern.test(line));
      expect(diagnostics, `${label} reported diagnostics`).toEqual([]);
    }
  });

  it('lays every file out as bicep format does', (ctx) => {
    expect(built(ctx).unformatted, 'run: bash scripts/bicep.sh format --pattern "infra/**/*.bicep"').toEqual([]);
  });

  it('turns every core analyzer rule to error, and silences a finding only with a reason beside it', async () => {
    const config = obj(JSON.parse(await readFile(join(repoRoot, 'infra', 'bicepconfig.json'), 'utf8')) as Json, 'bicepconfig.json');
    const rules = obj(obj(obj(config.analyzers, 'analyzers').core, 'core').rules, 'rules');
    // No registry modules, so there is no module version to keep recent.
    const off = ['use-recent-module-versions'];
    expect(Object.keys(rules)).toEqual(
      expect.arrayContaining(['use-recent-api-versions', 'use-user-defined-types', 'what-if-short-circuiting', 'no-unused-params', ...off]),
    );
    for (const [rule, setting] of Object.entries(rules)) expect(obj(setting, rule).level, rule).toBe(off.includes(rule) ? 'off' : 'error');
    for (const file of await bicepFiles(join(repoRoot, 'infra'))) {
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (line.trimStart().startsWith('#disable'))
          expect(lines[i - 1]?.trimStart().startsWith('//'), `${file}:${i + 1} needs a comment saying why`).toBe(true);
      });
    }
  });

  it('has a parameter file per environment, with the production choices in prod', (ctx) => {
    const { parameterFiles } = built(ctx);
    expect(Object.keys(parameterFiles)).toEqual(expect.arrayContaining(['main.dev.bicepparam', 'main.prod.bicepparam']));
    const value = (file: string, name: string): Json | undefined => {
      const parameters = obj(obj(parameterFiles[file], file).parameters, `${file} parameters`);
      return isObject(parameters[name]) ? parameters[name].value : undefined;
    };
    expect(value('main.dev.bicepparam', 'cosmosThroughputMode')).toBe('Serverless');
    expect(value('main.prod.bicepparam', 'cosmosThroughputMode')).toBe('Autoscale');
    expect(value('main.prod.bicepparam', 'keyVaultPurgeProtection')).toBe(true);
    expect(value('main.prod.bicepparam', 'apimSku')).not.toBe('Developer');
  });
});

describe('keyless and encrypted in transit', () => {
  const expectations: Record<string, Record<string, Json>> = {
    'Microsoft.Storage/storageAccounts': {
      allowSharedKeyAccess: false,
      allowBlobPublicAccess: false,
      minimumTlsVersion: 'TLS1_2',
      supportsHttpsTrafficOnly: true,
    },
    'Microsoft.Storage/storageAccounts/blobServices/containers': { publicAccess: 'None' },
    'Microsoft.DocumentDB/databaseAccounts': {
      disableLocalAuth: true,
      disableKeyBasedMetadataWriteAccess: true,
      minimalTlsVersion: 'Tls12',
    },
    'Microsoft.ServiceBus/namespaces': { disableLocalAuth: true, minimumTlsVersion: '1.2' },
    'Microsoft.Insights/components': { DisableLocalAuth: true },
    'Microsoft.Communication/communicationServices': { disableLocalAuth: true },
    'Microsoft.KeyVault/vaults': { enableRbacAuthorization: true },
    'Microsoft.Web/sites': { httpsOnly: true },
  };

  it('sets the keyless and TLS properties on every resource of each keyed type', (ctx) => {
    const all = resources(built(ctx).main);
    for (const [type, wanted] of Object.entries(expectations)) {
      const found = byType(all, type);
      expect(found.length, `no ${type} in the template`).toBeGreaterThan(0);
      for (const resource of found) expect(resource.properties, `${type} ${resource.name}`).toMatchObject(wanted);
    }
    for (const workspace of byType(all, 'Microsoft.OperationalInsights/workspaces')) {
      expect(obj(workspace.properties.features, 'features').disableLocalAuth).toBe(true);
    }
  });

  it('never turns local auth, shared keys or anonymous access on anywhere', (ctx) => {
    for (const resource of resources(built(ctx).main)) {
      for (const [key, value] of entries(resource.properties)) {
        if (/^disableLocalAuth$/i.test(key)) expect(value, `${resource.type} ${key}`).toBe(true);
        if (/^(allowSharedKeyAccess|allowBlobPublicAccess)$/.test(key)) expect(value, `${resource.type} ${key}`).toBe(false);
        if (key === 'publicAccess') expect(value, `${resource.type} ${key}`).toBe('None');
      }
    }
  });

  it('reads no key, connection string or secret anywhere in the templates', (ctx) => {
    const template = JSON.stringify(built(ctx).main);
    expect(template).not.toMatch(/\blist(Keys|ConnectionStrings|Secrets|AccountSas|ServiceSas)\(/i);
    expect(template).not.toMatch(/AccountKey=|SharedAccessKey=|AccessKey=/);
  });

  it('serves the function app over HTTPS with TLS 1.2 and basic publishing credentials off', (ctx) => {
    const all = resources(built(ctx).main);
    const [site] = byType(all, 'Microsoft.Web/sites');
    expect(site).toBeDefined();
    const siteConfig = obj(site?.properties.siteConfig, 'siteConfig');
    expect(siteConfig).toMatchObject({ minTlsVersion: '1.2', scmMinTlsVersion: '1.2' });
    const policies = byType(all, 'Microsoft.Web/sites/basicPublishingCredentialsPolicies');
    expect(policies.map((p) => resolved(p, p.name)).sort()).toEqual([expect.stringMatching(/\/ftp$/), expect.stringMatching(/\/scm$/)]);
    for (const policy of policies) {
      expect(policy.properties.allow).toBe(false);
      // Absent from the type data, yet ARM refuses the policy without it (Azure/bicep-types-az#1526).
      expect(policy.body.location, `${policy.name} needs a location`).toBeDefined();
    }
  });

  // The "Flex Consumption plan deprecations" table of the Functions app-settings reference: a Flex
  // site that carries any of these is refused (microsoft/azure-pipelines-tasks#21032: ftpsState).
  const flexDeprecatedSettings = [
    'ENABLE_ORYX_BUILD',
    'FUNCTIONS_EXTENSION_VERSION',
    'FUNCTIONS_WORKER_RUNTIME',
    'FUNCTIONS_WORKER_RUNTIME_VERSION',
    'FUNCTIONS_MAX_HTTP_CONCURRENCY',
    'FUNCTIONS_WORKER_PROCESS_COUNT',
    'FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED',
    'SCM_DO_BUILD_DURING_DEPLOYMENT',
    'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
    'WEBSITE_CONTENTOVERVNET',
    'WEBSITE_CONTENTSHARE',
    'WEBSITE_DNS_SERVER',
    'WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT',
    'WEBSITE_NODE_DEFAULT_VERSION',
    'WEBSITE_RUN_FROM_PACKAGE',
    'WEBSITE_SKIP_CONTENTSHARE_VALIDATION',
    'WEBSITE_VNET_ROUTE_ALL',
  ];
  const flexDeprecatedProperties = [
    'alwaysOn',
    'containerSize',
    'dnsConfiguration',
    'ftpsState',
    'isReserved',
    'IsXenon',
    'javaVersion',
    'LinuxFxVersion',
    'netFrameworkVersion',
    'powerShellVersion',
    'functionAppScaleLimit',
    'preWarmedInstanceCount',
    'use32BitWorkerProcess',
    'vnetBackupRestoreEnabled',
    'vnetContentShareEnabled',
    'vnetImagePullEnabled',
    'vnetRouteAllEnabled',
    'windowsFxVersion',
  ].map((name) => name.toLowerCase());

  it('sets no site property or app setting that Flex Consumption has deprecated', (ctx) => {
    const all = resources(built(ctx).main);
    const [site] = byType(all, 'Microsoft.Web/sites');
    expect(text(site?.properties.serverFarmId)).toContain('Microsoft.Web/serverfarms');
    expect(byType(all, 'Microsoft.Web/serverfarms').map((plan) => obj(plan.body.sku, 'sku').tier)).toEqual(['FlexConsumption']);
    const properties = [...entries(site?.properties ?? {})]
      .map(([key]) => key)
      .filter((key) => flexDeprecatedProperties.includes(key.toLowerCase()));
    expect(properties, 'deprecated Flex Consumption site properties').toEqual([]);
    const settings = byType(all, 'Microsoft.Web/sites/config').flatMap((config) => Object.keys(config.properties));
    expect(settings.length).toBeGreaterThan(0);
    expect(
      settings.filter((name) => flexDeprecatedSettings.includes(name)),
      'deprecated Flex Consumption app settings',
    ).toEqual([]);
  });

  it('admits only the API Management gateway and Event Grid on the function app', (ctx) => {
    const { main } = built(ctx);
    const [site] = byType(resources(main), 'Microsoft.Web/sites');
    const siteConfig = obj(site?.properties.siteConfig, 'siteConfig');
    expect(siteConfig.ipSecurityRestrictionsDefaultAction).toBe('Deny');
    expect(text(siteConfig.ipSecurityRestrictions)).toMatch(
      /^\[concat\(variables\('gatewayRules'\), .*variables\('eventGridRule'\).*\)\]$/,
    );
    // A variable loop compiles to a `copy` block over the gateway's addresses.
    const variables = obj(modules(main).get('api')?.template.variables, 'api variables');
    const copies = Array.isArray(variables.copy) ? variables.copy.filter(isObject) : [];
    const rules = copies.find((c) => c.name === 'gatewayRules');
    expect(rules, 'gatewayRules loop').toBeDefined();
    expect(JSON.stringify(rules?.count)).toContain('gatewayPublicIpAddresses');
    expect(obj(rules?.input, 'rule')).toMatchObject({ action: 'Allow' });
    expect(text(modules(main).get('api')?.parameters.gatewayPublicIpAddresses)).toMatch(/'gateway'.*outputs\.publicIpAddresses\.value/);
    // Event Grid's deliveries to /runtime/webhooks/eventgrid come from its service tag.
    expect(variables.eventGridRule).toMatchObject({ action: 'Allow', ipAddress: 'AzureEventGrid', tag: 'ServiceTag' });
  });

  it('offers the API over HTTPS only and turns off old TLS on the gateway', (ctx) => {
    const all = resources(built(ctx).main);
    for (const api of byType(all, 'Microsoft.ApiManagement/service/apis')) expect(api.properties.protocols).toEqual(['https']);
    const [service] = byType(all, 'Microsoft.ApiManagement/service');
    const custom = obj(service?.properties.customProperties, 'customProperties');
    for (const protocol of ['Tls10', 'Tls11', 'Ssl30']) {
      expect(custom[`Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.${protocol}`]).toBe('false');
      expect(custom[`Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.${protocol}`]).toBe('false');
    }
  });
});

describe('role assignments', () => {
  const role = {
    blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
    blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
    blobDelegator: 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a',
    serviceBusSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39',
    serviceBusReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0',
    keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
    keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
    metricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
    // The custom role of infra/roles.bicep, named by a function both templates share.
    smsSender: '__bicep.smsSenderRoleName(subscription().id)',
    cosmosDataContributor: '00000000-0000-0000-0000-000000000002',
  } as const;

  // Which principal may hold which role, and in which module (so at which resource's scope).
  const allowed: Readonly<Record<'app' | 'deployer' | 'smsEventsTopic', readonly string[]>> = {
    app: [
      `api:${role.blobDataOwner}`,
      `uploads:${role.blobDataContributor}`,
      `uploads:${role.blobDelegator}`,
      `messaging:${role.serviceBusSender}`,
      `messaging:${role.serviceBusReceiver}`,
      `keyvault:${role.keyVaultSecretsUser}`,
      `monitoring:${role.metricsPublisher}`,
      // Communication Services has no SMS data role; read and write on that one resource, not Contributor.
      `sms:${role.smsSender}`,
      `db:${role.cosmosDataContributor}`,
    ],
    deployer: [`keyvault:${role.keyVaultSecretsOfficer}`],
    // The Event Grid system topic's own identity dead-letters SMS events, into one container.
    smsEventsTopic: [`delivery-reports:${role.blobDataContributor}`],
  };

  /** The user-assigned identity a principalId reads, as `reference('<symbol>').principalId` of an existing resource. */
  function identityNameBehind(resource: Resource): Json | undefined {
    const symbol = /^\[reference\('(\w+)'\)\.principalId\]$/.exec(text(resource.properties.principalId))?.[1];
    const declared = isObject(resource.scope.template.resources) ? resource.scope.template.resources[symbol ?? ''] : undefined;
    if (!isObject(declared) || declared.type !== 'Microsoft.ManagedIdentity/userAssignedIdentities') return undefined;
    return resolved(resource, declared.name);
  }

  function principalOf(main: JsonObject, resource: Resource): string {
    if (
      resource.module === 'delivery-reports' &&
      /^\[reference\(.*'full'\)\.identity\.principalId\]$/.test(text(resource.properties.principalId))
    )
      return 'smsEventsTopic';
    const identity = modules(main).get('identity');
    const appIdentityName = identity === undefined ? undefined : resolved(identity, "[parameters('name')]");
    if (appIdentityName !== undefined && identityNameBehind(resource) === appIdentityName) return 'app';
    const param = parameterName(resource.properties.principalId);
    const passed = modules(main).get(resource.module)?.parameters[param ?? ''];
    if (passed === "[parameters('deployerPrincipalId')]") return 'deployer';
    return `unknown (${text(resource.properties.principalId)} = ${text(passed)})`;
  }

  it('grants each principal only the roles on its allow-list, each at a resource scope', (ctx) => {
    const { main } = built(ctx);
    const all = resources(main);
    const assignments = [
      ...byType(all, 'Microsoft.Authorization/roleAssignments'),
      ...byType(all, 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments'),
    ];
    expect(assignments.length).toBe(Object.values(allowed).flat().length);
    const granted: string[] = [];
    for (const assignment of assignments) {
      const definition = str(assignment.properties.roleDefinitionId, 'roleDefinitionId');
      const guid = definition.includes(role.smsSender)
        ? role.smsSender
        : [...definition.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g)].at(-1)?.[0];
      const principal = principalOf(main, assignment);
      const entry = `${assignment.module}:${text(guid)}`;
      expect(principal in allowed ? allowed[principal as keyof typeof allowed] : [], `${principal} may not hold ${entry}`).toContain(entry);
      if (assignment.type === 'Microsoft.Authorization/roleAssignments') {
        expect(typeof assignment.body.scope, `${entry} must be scoped to a resource, not the resource group`).toBe('string');
        expect(assignment.properties.principalType).toBeDefined();
      } else {
        expect(assignment.properties.scope, 'Cosmos DB role scope').toBeDefined();
      }
      granted.push(`${principal}:${entry}`);
    }
    expect(new Set(granted).size).toBe(granted.length);
  });
});

describe('the SMS sender role', () => {
  it('allows read and write on Communication Services and nothing else, defined apart from main.bicep', (ctx) => {
    const { main, roles } = built(ctx);
    const definitions = byType(resources(roles), 'Microsoft.Authorization/roleDefinitions');
    expect(definitions).toHaveLength(1);
    const [definition] = definitions;
    expect(definition?.name).toBe('[__bicep.smsSenderRoleName(subscription().id)]');
    expect(definition?.properties).toMatchObject({
      type: 'CustomRole',
      permissions: [
        {
          actions: ['Microsoft.Communication/CommunicationServices/Read', 'Microsoft.Communication/CommunicationServices/Write'],
          notActions: [],
          dataActions: [],
          notDataActions: [],
        },
      ],
      assignableScopes: ['[subscription().id]'],
    });
    // The deploying identity may assign roles but never define one.
    expect(byType(resources(main), 'Microsoft.Authorization/roleDefinitions')).toEqual([]);
    const nameFunction = (template: JsonObject | undefined): Json | undefined => {
      const namespaces = Array.isArray(template?.functions) ? template.functions.filter(isObject) : [];
      const members = namespaces.map((namespace) => obj(namespace.members, 'members').smsSenderRoleName).filter(isObject);
      return members[0]?.output;
    };
    expect(nameFunction(roles)).toEqual({ type: 'string', value: "[guid(parameters('subscriptionId'), 'waitlist-sms-sender')]" });
    expect(nameFunction(modules(main).get('sms')?.template)).toEqual(nameFunction(roles));
  });
});

describe('outputs', () => {
  it('expose names and URLs, never a secret', (ctx) => {
    const { main } = built(ctx);
    const templates = [main, ...[...modules(main).values()].map((m) => m.template)];
    for (const template of templates) {
      for (const [name, output] of Object.entries(isObject(template.outputs) ? template.outputs : {})) {
        const definition = obj(output, name);
        expect(name).not.toMatch(/secret|password|connectionstring|accesskey|sas/i);
        expect(text(definition.type).toLowerCase()).not.toMatch(/^secure/);
        for (const [, text] of strings(definition.value ?? null)) expect(text, name).not.toMatch(/list\w*\(|ConnectionString/i);
      }
    }
    expect(Object.keys(obj(main.outputs, 'outputs'))).toEqual(expect.arrayContaining(['API_GATEWAY_URL', 'SPA_URL']));
  });
});

describe('function app settings', () => {
  // Settings the Functions host and the platform read, which src/config.ts rightly does not know.
  const platformSettings = [
    /^AzureWebJobsStorage__(accountName|credential|clientId)$/, // host storage, by identity
    /^APPLICATIONINSIGHTS_(CONNECTION_STRING|AUTHENTICATION_STRING)$/, // telemetry, by identity
    /^FUNCTIONS_/, // host options
    /^WEBSITE_/, // App Service options
    /^ServiceBusConnection__(fullyQualifiedNamespace|credential|clientId)$/, // the Service Bus trigger's connection, by identity
  ];
  // Settings of features still being built; each moves to settingsReference when its code lands,
  // and this list then shrinks (the comparison passes either way).
  const comingSettings = [
    'NOTIFICATIONS_QUEUE', // notifications: queue the producer sends to and the consumer reads
    'ACS_ENDPOINT', // notifications: Communication Services endpoint for SmsClient
    'SMS_FROM_NUMBER', // notifications: sender number
  ];

  function appSettings(main: JsonObject): JsonObject {
    const config = byType(resources(main), 'Microsoft.Web/sites/config').find((r) => r.name.includes("'appsettings'"));
    expect(config, 'Microsoft.Web/sites/config appsettings').toBeDefined();
    return config?.properties ?? {};
  }

  /** The main.bicep expression behind an api-module setting that is a plain parameter. */
  function passedToApi(main: JsonObject, value: Json | undefined): Json | undefined {
    const param = parameterName(value);
    return param === undefined ? undefined : modules(main).get('api')?.parameters[param];
  }

  it('sets every setting the config module needs in Azure', (ctx) => {
    const names = Object.keys(appSettings(built(ctx).main));
    const needed = settingsReference.filter((s) => s.where !== 'local').map((s) => s.name);
    expect(needed.length).toBeGreaterThan(0);
    expect(names).toEqual(expect.arrayContaining(needed));
  });

  it('sets nothing the config module does not know, except listed platform and coming settings', (ctx) => {
    const known = new Set(settingsReference.map((s) => s.name));
    for (const name of Object.keys(appSettings(built(ctx).main))) {
      const accounted = known.has(name) || comingSettings.includes(name) || platformSettings.some((pattern) => pattern.test(name));
      expect(accounted, `${name} is neither in settingsReference nor an allowed platform setting`).toBe(true);
    }
  });

  it('never sets a local-only setting such as COSMOS_KEY', (ctx) => {
    const names = Object.keys(appSettings(built(ctx).main));
    for (const local of settingsReference.filter((s) => s.where === 'local')) expect(names).not.toContain(local.name);
    expect(names).not.toContain('COSMOS_KEY');
  });

  it('reaches storage and Service Bus by managed identity and the signing keys by Key Vault reference', (ctx) => {
    const { main } = built(ctx);
    const settings = appSettings(main);
    expect(settings.AzureWebJobsStorage__credential).toBe('managedidentity');
    expect(settings.ServiceBusConnection__credential).toBe('managedidentity');
    expect(text(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING)).toContain('Authorization=AAD');
    expect(
      Object.keys(settings).some(
        (name) => /__accountKey$|ConnectionString$/i.test(name) && name !== 'APPLICATIONINSIGHTS_CONNECTION_STRING',
      ),
    ).toBe(false);
    expect(text(passedToApi(main, settings.JWT_SIGNING_KEYS))).toMatch(/'keyvault'.*outputs\.jwtSigningReference\.value/);
    const vaultOutput = obj(
      obj(modules(main).get('keyvault')?.template.outputs, 'keyvault outputs').jwtSigningReference,
      'jwtSigningReference',
    );
    expect(text(vaultOutput.value)).toContain('@Microsoft.KeyVault(VaultName=');
  });

  it('gives the app the gateway-based issuer, audience and status URL', (ctx) => {
    const { main } = built(ctx);
    const settings = appSettings(main);
    const variables = obj(main.variables, 'main variables');
    expect(passedToApi(main, settings.JWT_ISSUER)).toBe("[variables('jwtIssuer')]");
    expect(passedToApi(main, settings.JWT_AUDIENCE)).toBe("[parameters('jwtAudience')]");
    expect(passedToApi(main, settings.STATUS_PAGE_BASE_URL)).toBe("[variables('statusPageBaseUrl')]");
    expect(variables.gatewayUrl).toBe("[format('https://{0}.azure-api.net', variables('names').apim)]");
    expect(variables.jwtIssuer).toBe("[format('{0}/api', variables('gatewayUrl'))]");
    expect(variables.statusPageBaseUrl).toBe("[format('{0}/api/v1/status/', variables('gatewayUrl'))]");
    expect(modules(main).get('gateway')?.parameters.name).toBe("[variables('names').apim]");
  });
});

describe('data services match what the code expects', () => {
  it('creates the waitlist database and containers with their partition keys', (ctx) => {
    const db = modules(built(ctx).main).get('db');
    const variables = obj(db?.template.variables, 'db variables');
    expect(variables.databaseName).toBe('waitlist');
    const containers = Array.isArray(variables.containers) ? variables.containers.filter(isObject) : [];
    const shape = Object.fromEntries(containers.map((c) => [text(c.name), { partitionKey: c.partitionKey, defaultTtl: c.defaultTtl }]));
    // The same containers, keys and TTL settings the code creates locally (src/adapters/cosmos/client.ts).
    expect(shape).toEqual(
      Object.fromEntries(
        containerDefinitions.map((d) => [d.id, { partitionKey: d.partitionKey, defaultTtl: 'defaultTtl' in d ? d.defaultTtl : null }]),
      ),
    );
    const waitees = containers.find((c) => c.name === 'waitees');
    expect(waitees?.excludedPaths).toEqual([{ path: '/notes/?' }]);
    // The composite index the sweep's query (type, then dueAt) needs, as the code creates it locally.
    const local = containerDefinitions.find((d) => d.id === 'waitees');
    expect(waitees?.compositeIndexes).toEqual(
      (local !== undefined && 'compositeIndexes' in local ? local.compositeIndexes : []).map((paths) =>
        paths.map((path) => ({ path, order: 'ascending' })),
      ),
    );
  });

  it('configures the notifications queue as the consumer relies on', (ctx) => {
    const [queue] = byType(resources(built(ctx).main), 'Microsoft.ServiceBus/namespaces/queues');
    expect(queue).toBeDefined();
    if (queue === undefined) return;
    expect(resolved(queue, queue.name)).toMatch(/^sb-<.+>\/notifications$/);
    expect(queue.properties).toMatchObject({
      maxDeliveryCount: 10,
      requiresDuplicateDetection: true,
      duplicateDetectionHistoryTimeWindow: 'PT10M',
      deadLetteringOnMessageExpiration: true,
      lockDuration: 'PT1M',
      defaultMessageTimeToLive: 'P1D',
    });
  });

  it('lets only the staff SPA origin upload from a browser, with the headers the app hands out', (ctx) => {
    const { main } = built(ctx);
    const uploads = byType(resources(main), 'Microsoft.Storage/storageAccounts/blobServices').filter((r) => r.module === 'uploads');
    expect(uploads).toHaveLength(1);
    const rules = obj(obj(uploads[0]?.properties, 'properties').cors, 'cors').corsRules;
    expect(Array.isArray(rules) ? rules : []).toHaveLength(1);
    const [rule] = Array.isArray(rules) ? rules : [];
    const cors = obj(rule, 'corsRule');
    expect(cors.allowedOrigins).toEqual(["[parameters('spaOrigin')]"]);
    // The rule Azurite gets locally (src/adapters/blob) is this one: what works on a laptop works in Azure.
    expect([...(cors.allowedMethods as string[])].sort()).toEqual(uploadCorsRule.allowedMethods.split(',').sort());
    expect(cors.allowedHeaders).toEqual(uploadCorsRule.allowedHeaders.split(','));
    for (const header of ['x-ms-blob-type', 'content-type']) expect(cors.allowedHeaders).toContain(header);
  });

  it('grants the app Blob Data Contributor on the uploads container only and Blob Delegator on its account', (ctx) => {
    const assignments = byType(resources(built(ctx).main), 'Microsoft.Authorization/roleAssignments').filter((r) => r.module === 'uploads');
    const scopeOf = (roleId: string) => assignments.find((a) => text(a.properties.roleDefinitionId).includes(roleId))?.body.scope;
    expect(assignments).toHaveLength(2);
    expect(text(scopeOf('ba92f5b4-2d11-453d-a403-e96b0029c9fe'))).toMatch(/blobServices\/containers/);
    expect(text(scopeOf('db58b8e5-c6ad-4a2a-8342-4190687cbf4a'))).toMatch(/storageAccounts/);
    expect(text(scopeOf('db58b8e5-c6ad-4a2a-8342-4190687cbf4a'))).not.toMatch(/containers/);
  });

  it('deletes unconfirmed uploads after a day', (ctx) => {
    const [policy] = byType(resources(built(ctx).main), 'Microsoft.Storage/storageAccounts/managementPolicies');
    const rules = obj(obj(policy?.properties, 'properties').policy, 'policy').rules;
    expect(rules).toEqual([
      expect.objectContaining({
        enabled: true,
        definition: {
          filters: { blobTypes: ['blockBlob'], prefixMatch: ['uploads/pending/'] },
          actions: { baseBlob: { delete: { daysAfterCreationGreaterThan: 1 } } },
        },
      }),
    ]);
  });
});

describe('SMS delivery reports', () => {
  it('puts an Event Grid system topic on the Communication Services resource, with its own identity', (ctx) => {
    const { main } = built(ctx);
    const topics = byType(resources(main), 'Microsoft.EventGrid/systemTopics');
    expect(topics.map((t) => t.module)).toEqual(['delivery-reports']);
    const [topic] = topics;
    expect(topic?.body).toMatchObject({ location: 'global', identity: { type: 'SystemAssigned' } });
    expect(topic?.properties.topicType).toBe('Microsoft.Communication.CommunicationServices');
    expect(text(topic?.properties.source)).toContain('Microsoft.Communication/communicationServices');
    const deliveryReports = modules(main).get('delivery-reports');
    const sms = modules(main).get('sms');
    expect(deliveryReports && resolved(deliveryReports, "[parameters('communicationName')]")).toBe(
      sms && resolved(sms, "[parameters('name')]"),
    );
  });

  it('declares no event subscription in main.bicep, which runs before the function exists', (ctx) => {
    const { main } = built(ctx);
    expect(JSON.stringify(main)).not.toContain('eventSubscriptions');
  });

  it('subscribes the sms-delivery-report function to delivery reports only, with retries and dead-lettering by identity', (ctx) => {
    const { deliveryReports } = built(ctx);
    const subscriptions = byType(resources(deliveryReports), 'Microsoft.EventGrid/systemTopics/eventSubscriptions');
    expect(subscriptions).toHaveLength(1);
    const [subscription] = subscriptions;
    const parameters = obj(deliveryReports.parameters, 'parameters');
    expect(obj(parameters.functionName, 'functionName').defaultValue).toBe(smsDeliveryReports.name);
    const destination = obj(subscription?.properties.destination, 'destination');
    expect(destination.endpointType).toBe('AzureFunction');
    expect(text(obj(destination.properties, 'destination properties').resourceId)).toMatch(/\/functions\/.*parameters\('functionName'\)/);
    expect(subscription?.properties).toMatchObject({
      eventDeliverySchema: 'EventGridSchema',
      filter: { includedEventTypes: [smsDeliveryReportEventType] },
      retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 },
      deadLetterWithResourceIdentity: { identity: { type: 'SystemAssigned' }, deadLetterDestination: { endpointType: 'StorageBlob' } },
    });
  });

  it('takes its parameters from outputs of main.bicep', (ctx) => {
    const { main, deliveryReports } = built(ctx);
    const outputs = Object.keys(obj(main.outputs, 'outputs'));
    expect(outputs).toEqual(
      expect.arrayContaining([
        'AZURE_RESOURCE_GROUP',
        'FUNCTION_APP_NAME',
        'SMS_EVENTS_TOPIC_NAME',
        'DEAD_LETTER_STORAGE_NAME',
        'DEAD_LETTER_CONTAINER',
      ]),
    );
    const required = Object.entries(obj(deliveryReports.parameters, 'parameters')).filter(
      ([, p]) => isObject(p) && p.defaultValue === undefined,
    );
    expect(required.map(([name]) => name).sort()).toEqual([
      'deadLetterContainerName',
      'deadLetterStorageName',
      'functionAppName',
      'systemTopicName',
    ]);
  });
});

describe('API Management', () => {
  async function policyFile(name: string): Promise<string> {
    return readFile(join(policiesDir, name), 'utf8');
  }

  it('loads the policy files verbatim at API and product scope', async (ctx) => {
    const all = resources(built(ctx).main);
    const apiPolicy = byType(all, 'Microsoft.ApiManagement/service/apis/policies');
    expect(apiPolicy.map((p) => resolved(p, p.properties.value))).toEqual([await policyFile('api.xml')]);
    const productPolicies = byType(all, 'Microsoft.ApiManagement/service/products/policies').map((p) => resolved(p, p.properties.value));
    expect(productPolicies.sort()).toEqual([await policyFile('product-client-apps.xml'), await policyFile('product-staff-spa.xml')].sort());
    for (const policy of [...apiPolicy, ...byType(all, 'Microsoft.ApiManagement/service/products/policies')]) {
      expect(policy.properties.format).toBe('rawxml');
    }
  });

  it('defines every named value the policies use, issuer and audience from the app settings', async (ctx) => {
    const { main } = built(ctx);
    const gateway = modules(main).get('gateway');
    const namedValues = byType(resources(main), 'Microsoft.ApiManagement/service/namedValues');
    const valueOf = (name: string): Json | undefined => {
      const resource = namedValues.find((r) => r.name.includes(`'${name}'`));
      expect(resource, `named value ${name}`).toBeDefined();
      expect(resource?.properties.secret).toBe(false);
      return gateway?.parameters[parameterName(resource?.properties.value) ?? ''];
    };
    const referenced = new Set<string>();
    for (const file of await readdir(policiesDir)) {
      for (const match of (await policyFile(file)).matchAll(/\{\{([\w-]+)\}\}/g)) referenced.add(String(match[1]));
    }
    for (const name of referenced) valueOf(name);
    const api = modules(main).get('api');
    expect(valueOf('jwt-issuer')).toBe(api?.parameters.jwtIssuer);
    expect(valueOf('jwt-audience')).toBe(api?.parameters.jwtAudience);
    expect(valueOf('spa-origin')).toBe(modules(main).get('uploads')?.parameters.spaOrigin);
  });

  it('imports the OpenAPI document at the /api path without a required key, into both products', (ctx) => {
    const all = resources(built(ctx).main);
    const [api] = byType(all, 'Microsoft.ApiManagement/service/apis');
    expect(api?.properties).toMatchObject({ path: 'api', subscriptionRequired: false, format: 'openapi+json' });
    // Clients built from the contract send the key under the name its apiKey scheme gives.
    const contract = JSON.parse(readFileSync(join(repoRoot, 'openapi', 'openapi.json'), 'utf8')) as {
      components: { securitySchemes: Record<string, { name?: string }> };
    };
    expect(api?.properties.subscriptionKeyParameterNames).toMatchObject({
      header: contract.components.securitySchemes.subscriptionKey?.name,
    });
    expect(byType(all, 'Microsoft.ApiManagement/service/products/apis')).toHaveLength(1); // one copy loop
    const products = byType(all, 'Microsoft.ApiManagement/service/products');
    expect(products.map((p) => p.properties.subscriptionRequired)).toEqual([true, true]);
    // An unpublished product's subscription keys are refused: both products must be callable.
    expect(products.map((p) => p.properties.state)).toEqual(['published', 'published']);
  });
});

describe('tags', () => {
  it('tags every top-level resource, with azd service names on the function app and the SPA', (ctx) => {
    const { main } = built(ctx);
    const tags = obj(obj(main.variables, 'variables').tags, 'tags');
    expect(Object.keys(tags)).toContain('azd-env-name');
    const untaggable = /^Microsoft\.(Authorization|Insights\/diagnosticSettings)/;
    for (const resource of resources(main)) {
      const topLevel = resource.type.split('/').length === 2;
      if (!topLevel || untaggable.test(resource.type)) continue;
      expect(resource.body.tags, `${resource.type} in ${resource.module || 'main'} has no tags`).toBeDefined();
    }
    const all = resources(main);
    expect(JSON.stringify(byType(all, 'Microsoft.Web/sites')[0]?.body.tags)).toContain("'azd-service-name', 'api'");
    expect(JSON.stringify(byType(all, 'Microsoft.Web/staticSites')[0]?.body.tags)).toContain("'azd-service-name', 'web'");
  });
});
