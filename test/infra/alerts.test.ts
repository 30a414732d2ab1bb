/**
 * Alerts, the availability test, the workbook and the telemetry settings, checked in the ARM JSON
 * that the real Bicep CLI compiles from infra/main.bicep (as test/infra/bicep.test.ts does; Bicep
 * itself is installed once by scripts/bicep.sh, under a lock). Where Bicep cannot be had, the ARM
 * checks are skipped with a warning unless WAITLIST_REQUIRE_BICEP=1.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { byType, isObject, type Json, type JsonObject, modules, obj, resolved, resources, run, str, text, type Resource } from './arm.js';
import { bicepAvailable, bicepScript, infraWorkspace } from './bicep-workspace.js';
import { readRepoFile } from './repo-files.js';

/** The metric names the three issue-15 slices agreed on (src/application/metrics.ts emits them). */
const sharedMetrics = [
  'waitlist.texts.sent',
  'waitlist.texts.failed',
  'waitlist.texts.delivered',
  'waitlist.text.notify_to_sent',
  'waitlist.text.notify_to_delivered',
  'waitlist.due.oldest_age',
  'waitlist.sweep.duration',
  'waitlist.sweep.items',
  'waitlist.queue.redeliveries',
  'waitlist.queue.dead_letters',
  'waitlist.line.parties',
  'http.server.request.duration',
  'waitlist.problems',
  'waitlist.lockouts',
  'waitlist.send_limit.hits',
];

interface Compiled {
  readonly main: JsonObject;
  /** infra/main.prod.bicepparam built without ALERT_EMAIL: Bicep's output. */
  readonly prodWithoutEmail: { readonly code: number; readonly output: string };
  readonly prodParameters: JsonObject;
}

let compiled: Compiled | undefined;

beforeAll(async () => {
  if (!(await bicepAvailable('alert'))) return;
  const work = await infraWorkspace('waitlist-alerts-');
  try {
    const infra = join(work, 'infra');
    // Without ALERT_EMAIL, whatever the environment running the tests holds.
    const base: NodeJS.ProcessEnv = { ...process.env, AZURE_ENV_NAME: 'ci', AZURE_LOCATION: 'westeurope' };
    delete base.ALERT_EMAIL;
    const [build, prodWithoutEmail, prod] = await Promise.all([
      run('bash', [bicepScript, 'build', join(infra, 'main.bicep'), '--outfile', join(work, 'main.json')], { env: base }),
      run('bash', [bicepScript, 'build-params', join(infra, 'main.prod.bicepparam'), '--outfile', join(work, 'without.json')], {
        env: base,
      }),
      run('bash', [bicepScript, 'build-params', join(infra, 'main.prod.bicepparam'), '--outfile', join(work, 'prod.json')], {
        env: { ...base, ALERT_EMAIL: 'oncall@example.com' },
      }),
    ]);
    if (build.code !== 0) throw new Error(`bicep build failed:\n${build.output}`);
    if (prod.code !== 0) throw new Error(`bicep build-params failed:\n${prod.output}`);
    const readJson = async (name: string): Promise<JsonObject> => obj(JSON.parse(await readFile(join(work, name), 'utf8')) as Json, name);
    compiled = { main: await readJson('main.json'), prodWithoutEmail, prodParameters: await readJson('prod.json') };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}, 600_000);

function built(ctx: TestContext): Compiled {
  if (compiled === undefined) ctx.skip('Bicep CLI unavailable');
  return compiled;
}

const alertTypes = ['Microsoft.Insights/metricAlerts', 'Microsoft.Insights/scheduledQueryRules'];

/** A resource's body as deployed: each copy of a loop, with its item in place of `variables('x')[copyIndex()]`. */
function instances(resource: Resource): JsonObject[] {
  const copy = resource.body.copy;
  if (!isObject(copy)) return [resource.body];
  const source = /^\[length\(variables\('(\w+)'\)\)\]$/.exec(text(copy.count))?.[1];
  const items = resolved(resource, `[variables('${source ?? ''}')]`);
  if (!Array.isArray(items)) throw new Error(`${resource.type}: cannot read the loop's items`);
  return items.map((item) => {
    const body = JSON.stringify(resource.body).replace(
      new RegExp(`"\\[variables\\('${source ?? ''}'\\)\\[copyIndex\\(\\)\\]\\.(\\w+)\\]"`, 'g'),
      (_whole, key: string) => JSON.stringify(isObject(item) ? (item[key] ?? null) : null),
    );
    return obj(JSON.parse(body) as Json, resource.type);
  });
}

function alerts(main: JsonObject): { resource: Resource; body: JsonObject }[] {
  const all = resources(main);
  return alertTypes.flatMap((type) => byType(all, type).flatMap((resource) => instances(resource).map((body) => ({ resource, body }))));
}

/** The ids of the action groups an alert notifies. */
function actionGroupsOf(alert: { resource: Resource; body: JsonObject }): string[] {
  const properties = obj(alert.body.properties, 'properties');
  const actions = properties.actions;
  const ids = Array.isArray(actions)
    ? actions.map((action) => obj(action, 'action').actionGroupId)
    : isObject(actions) && Array.isArray(actions.actionGroups)
      ? actions.actionGroups
      : [];
  return ids.map((id) => text(resolved(alert.resource, id)));
}

/** What an alert watches, as text: its metric criteria, its query, or its web test. */
function conditionOf(body: JsonObject): string {
  const criteria = obj(obj(body.properties, 'properties').criteria, 'criteria');
  if (criteria['odata.type'] === 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria') {
    expect(criteria.webTestId).toBeTruthy();
    expect(criteria.failedLocationCount).toBeGreaterThan(0);
    return `webtest ${text(criteria.webTestId)}`;
  }
  const allOf = criteria.allOf;
  expect(Array.isArray(allOf) && allOf.length > 0, 'criteria.allOf').toBe(true);
  return (Array.isArray(allOf) ? allOf : [])
    .map((criterion) => {
      const c = obj(criterion, 'criterion');
      expect(c.operator, 'operator').toBeTruthy();
      expect(c.threshold, 'threshold').toBeDefined();
      expect(c.timeAggregation, 'timeAggregation').toBeTruthy();
      if (typeof c.query === 'string') {
        expect(c.query).toContain(`extend ${str(c.metricMeasureColumn, 'metricMeasureColumn')} =`);
        return c.query;
      }
      return `${str(c.metricName, 'metricName')} ${text(c.dimensions)} ${text(c.operator)} ${text(c.threshold)}`;
    })
    .join('\n');
}

describe('alerts', () => {
  it('enables every alert, gives each a condition, and sends each to the on-call action group', (ctx) => {
    const { main } = built(ctx);
    const [group] = byType(resources(main), 'Microsoft.Insights/actionGroups');
    expect(group, 'an action group').toBeDefined();
    if (group === undefined) return;
    expect(text(resolved(group, group.body.name))).toMatch(/^ag-oncall-/);
    expect(obj(group.body.properties, 'action group').enabled).toBe(true);
    const found = alerts(main);
    expect(found.length).toBe(6);
    for (const alert of found) {
      const name = text(resolved(alert.resource, alert.body.name));
      const properties = obj(alert.body.properties, name);
      expect(properties.enabled, name).toBe(true);
      expect(conditionOf(alert.body), name).not.toBe('');
      const groups = actionGroupsOf(alert);
      expect(groups, name).toHaveLength(1);
      expect(groups[0], name).toContain("'Microsoft.Insights/actionGroups'");
      expect(groups[0], name).toContain('ag-oncall-');
    }
  });

  it('mails the address the alertEmail parameter names, which production must set (ALERT_EMAIL)', (ctx) => {
    const { main, prodWithoutEmail, prodParameters } = built(ctx);
    const [group] = byType(resources(main), 'Microsoft.Insights/actionGroups');
    const receivers = obj(group?.properties, 'action group').emailReceivers;
    expect(
      Array.isArray(receivers) ? receivers.map((r) => text(resolved(group as Resource, obj(r, 'receiver').emailAddress))) : [],
    ).toEqual(["[parameters('alertEmail')]"]);
    expect(obj(modules(main).get('alerts')?.parameters, 'alerts parameters').alertEmail).toBe("[parameters('alertEmail')]");
    expect(prodWithoutEmail.code).not.toBe(0);
    expect(prodWithoutEmail.output).toContain('ALERT_EMAIL');
    expect(obj(obj(prodParameters.parameters, 'parameters').alertEmail, 'alertEmail').value).toBe('oncall@example.com');
  });

  it('fires on dead letters, text failures, a stuck producer, 5xx answers, Cosmos DB 429s and a failing health probe', (ctx) => {
    const conditions = alerts(built(ctx).main).map((alert) => conditionOf(alert.body));
    const one = (pattern: RegExp): string => {
      const matching = conditions.filter((c) => pattern.test(c));
      expect(matching, String(pattern)).toHaveLength(1);
      return matching[0] ?? '';
    };
    expect(one(/^DeadletteredMessages /)).toMatch(/"EntityName".*GreaterThan 0$/);
    expect(one(/^TotalRequests /)).toMatch(/"StatusCode".*"429".*GreaterThan 0$/);
    const failures = one(/waitlist\.texts\.failed/);
    expect(failures).toContain('waitlist.texts.sent');
    expect(failures).toContain('todouble(failed) / attempted');
    expect(one(/waitlist\.due\.oldest_age/)).toMatch(/samples == 0/);
    expect(one(/http\.server\.request\.duration/)).toMatch(/status >= 500/);
    expect(one(/^webtest /)).toContain("'Microsoft.Insights/webtests'");
  });

  it('pages when the oldest due item is older than 2 minutes', (ctx) => {
    const stuck = alerts(built(ctx).main).find((alert) => text(alert.body).includes('waitlist.due.oldest_age'));
    const criterion = obj((obj(obj(stuck?.body.properties, 'properties').criteria, 'criteria').allOf as Json[])[0], 'criterion');
    expect(criterion).toMatchObject({ operator: 'GreaterThan', threshold: 120, metricMeasureColumn: 'oldestAgeSeconds' });
  });

  it('probes GET /api/health through the gateway, expecting 200, from three locations', (ctx) => {
    const { main } = built(ctx);
    const [test] = byType(resources(main), 'Microsoft.Insights/webtests');
    const properties = obj(test?.properties, 'web test');
    expect(properties.Enabled).toBe(true);
    expect(properties.Locations).toHaveLength(3);
    expect(obj(properties.ValidationRules, 'rules').ExpectedHttpStatusCode).toBe(200);
    expect(text(resolved(modules(main).get('alerts') ?? { scope: { template: main } }, "[parameters('healthUrl')]"))).toMatch(
      /^https:\/\/apim-.*\.azure-api\.net\/api\/health$/,
    );
  });
});

describe('the workbook', () => {
  const workbookFile = async (): Promise<JsonObject> => obj(JSON.parse(await readRepoFile('infra/app/workbook.json')) as Json, 'workbook');

  /** Every metric name a KQL step of the workbook filters on (`name == "…"`, `name in ("…", …)`). */
  function chartedMetrics(workbook: JsonObject): string[] {
    const names = new Set<string>();
    for (const item of workbook.items as Json[]) {
      const query = obj(obj(item, 'item').content, 'content').query;
      if (typeof query !== 'string') continue;
      for (const clause of query.matchAll(/\bname (?:==|in) \(?([^)\n|]+)\)?/g)) {
        for (const quoted of (clause[1] ?? '').matchAll(/"([^"]+)"/g)) names.add(quoted[1] ?? '');
      }
    }
    return [...names].sort();
  }

  it('is a workbook whose every step has a unique name and something to show', async () => {
    const workbook = await workbookFile();
    expect(workbook.version).toBe('Notebook/1.0');
    const items = workbook.items as Json[];
    const names = items.map((item) => str(obj(item, 'item').name, 'item name'));
    expect(new Set(names).size).toBe(names.length);
    for (const item of items.map((i) => obj(i, 'item'))) {
      const name = str(item.name, 'item name');
      const content = obj(item.content, name);
      if (item.type === 3) expect(content.query, name).toMatch(/^customMetrics\n/);
      if (item.type === 10) expect(content.resourceIds, name).toEqual([expect.stringMatching(/^__(SERVICE_BUS|COSMOS)_ID__$/)]);
    }
  });

  it('charts every metric of the shared table and no other, plus dead letters and 429s from the platform', async () => {
    const workbook = await workbookFile();
    expect(chartedMetrics(workbook)).toEqual([...sharedMetrics].sort());
    const platform = (workbook.items as Json[])
      .map((item) => obj(obj(item, 'item').content, 'content'))
      .filter((content) => content.version === 'MetricsItem/2.0')
      .flatMap((content) => (content.metrics as Json[]).map((metric) => str(obj(metric, 'metric').metric, 'metric')));
    expect(platform.sort()).toEqual([
      'microsoft.documentdb/databaseaccounts--TotalRequests',
      'microsoft.servicebus/namespaces--DeadletteredMessages',
    ]);
  });

  it('is deployed from that file, with the Service Bus and Cosmos DB ids in place of its placeholders', async (ctx) => {
    const { main } = built(ctx);
    const [workbook] = byType(resources(main), 'Microsoft.Insights/workbooks');
    expect(workbook?.body.kind).toBe('shared');
    const variables = obj(modules(main).get('alerts')?.template.variables, 'alerts variables');
    const loaded = Object.entries(variables).find(([name]) => name.startsWith('$fxv#'))?.[1];
    expect(JSON.parse(text(loaded))).toEqual(await workbookFile());
    expect(text(workbook?.properties.serializedData)).toBe("[variables('workbookContent')]");
    const content = text(variables.workbookContent);
    expect(content).toMatch(
      /replace\(replace\(variables\('\$fxv#\d+'\), '__SERVICE_BUS_ID__', resourceId\('Microsoft\.ServiceBus\/namespaces'/,
    );
    expect(content).toMatch(/'__COSMOS_ID__', resourceId\('Microsoft\.DocumentDB\/databaseAccounts'/);
  });
});

describe('telemetry settings', () => {
  it('runs the Functions host in OpenTelemetry mode, without the Application Insights SDK settings that mode ignores', async () => {
    const host = obj(JSON.parse(await readRepoFile('host.json')) as Json, 'host.json');
    expect(host.telemetryMode).toBe('OpenTelemetry');
    expect(obj(host.logging, 'logging').applicationInsights).toBeUndefined();
  });

  it('gives the app the Application Insights address and an Entra ID authentication string for its identity', (ctx) => {
    const { main } = built(ctx);
    const config = byType(resources(main), 'Microsoft.Web/sites/config').find((r) => r.name.includes("'appsettings'"));
    const settings = obj(config?.properties, 'app settings');
    expect(settings.APPLICATIONINSIGHTS_CONNECTION_STRING).toBe("[reference('appInsights').ConnectionString]");
    const api = obj(modules(main).get('api')?.template.resources, 'api resources');
    expect(obj(api.appInsights, 'appInsights')).toMatchObject({ type: 'Microsoft.Insights/components', existing: true });
    expect(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toBe(
      "[format('Authorization=AAD;ClientId={0}', parameters('identityClientId'))]",
    );
    expect(text(modules(main).get('api')?.parameters.identityClientId)).toMatch(/'identity'.*outputs\.clientId\.value/);
  });

  it('lets the app identity publish to Application Insights (Monitoring Metrics Publisher there), with local auth off', (ctx) => {
    const all = resources(built(ctx).main);
    const [insights] = byType(all, 'Microsoft.Insights/components');
    expect(insights?.properties.DisableLocalAuth).toBe(true);
    const publishers = byType(all, 'Microsoft.Authorization/roleAssignments').filter((r) =>
      text(r.properties.roleDefinitionId).includes('3913510d-42f4-4e42-8a64-420c390055eb'),
    );
    expect(publishers).toHaveLength(1);
    const [publisher] = publishers;
    expect(publisher?.module).toBe('monitoring');
    expect(text(publisher?.body.scope)).toMatch(/Microsoft\.Insights\/components/);
    expect(text(publisher?.properties.principalId)).toBe("[reference('appIdentity').principalId]");
  });
});

describe('the deploy workflow', () => {
  it('passes ALERT_EMAIL wherever it passes the other parameter variables', async () => {
    const workflow = await readRepoFile('.github/workflows/deploy.yml');
    const publisher = workflow.match(/^( +)APIM_PUBLISHER_EMAIL: \$\{\{ vars\.APIM_PUBLISHER_EMAIL \}\}\n/gm) ?? [];
    expect(publisher.length).toBeGreaterThan(0);
    for (const line of publisher) {
      const indent = /^ +/.exec(line)?.[0] ?? '';
      expect(workflow).toContain(`${line}${indent}ALERT_EMAIL: \${{ vars.ALERT_EMAIL }}\n`);
    }
  });
});
