/**
 * Event Grid refuses a subscription to an Azure Function that does not exist yet, so the SMS
 * delivery report subscription must be deployed after the function code, never by main.bicep
 * (which runs first). These checks read the files as text, so they run without the Bicep CLI;
 * bicep.test.ts checks the compiled templates where Bicep is available.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { smsDeliveryReportEventType, smsDeliveryReports } from '../../src/functions/delivery-reports.js';
import { repoRoot } from './arm.js';

const read = (path: string) => readFile(join(repoRoot, path), 'utf8');
const subscriptionTemplate = 'infra/delivery-reports.bicep';
const requiredParameters = ['systemTopicName', 'functionAppName', 'deadLetterStorageName', 'deadLetterContainerName'];

/** The text of one job of a workflow: from its `  name:` line to the next job at the same indentation. */
function jobText(workflow: string, job: string): string {
  const start = workflow.indexOf(`\n  ${job}:\n`);
  expect(start, `job ${job}`).toBeGreaterThan(-1);
  const next = workflow.slice(start + 1).search(/\n {2}[\w-]+:\n/);
  return next === -1 ? workflow.slice(start) : workflow.slice(start, start + 1 + next);
}

describe('SMS delivery report subscription, deployed after the code', () => {
  it('is declared in its own entry point, for the function and event type the code has', async () => {
    const template = await read(subscriptionTemplate);
    expect(template).toContain("targetScope = 'resourceGroup'");
    expect(template).toContain("'Microsoft.EventGrid/systemTopics/eventSubscriptions@");
    expect(template).toMatch(new RegExp(`param functionName string = '${smsDeliveryReports.name}'`));
    expect(template).toContain(`'${smsDeliveryReportEventType}'`);
    expect(template).toContain("endpointType: 'AzureFunction'");
    for (const name of requiredParameters) expect(template).toMatch(new RegExp(`^param ${name} string$`, 'm'));
  });

  it('is not declared by main.bicep or its modules', async () => {
    const files = ['infra/main.bicep', ...(await readdir(join(repoRoot, 'infra', 'app'))).map((name) => `infra/app/${name}`)];
    for (const file of files) expect(await read(file), file).not.toContain('eventSubscriptions');
  });

  it.each(['deploy-dev', 'deploy-prod'])('is deployed by %s after the function code, with every parameter', async (job) => {
    const steps = jobText(await read('.github/workflows/deploy.yml'), job);
    const code = steps.indexOf('uses: Azure/functions-action@v1');
    const subscription = steps.indexOf(`--template-file ${subscriptionTemplate}`);
    expect(code).toBeGreaterThan(-1);
    expect(subscription).toBeGreaterThan(code);
    for (const name of requiredParameters) expect(steps.slice(subscription)).toContain(`${name}=`);
  });

  it('is deployed by azd after the code (postdeploy), with every parameter', async () => {
    const azure = await read('azure.yaml');
    const hook = azure.slice(azure.indexOf('\n  postdeploy:'));
    expect(hook).toContain(`--template-file ${subscriptionTemplate}`);
    for (const name of requiredParameters) expect(hook).toContain(`${name}=`);
  });
});
