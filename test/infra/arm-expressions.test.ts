/**
 * The expression resolver the infra tests compare through: what Bicep 0.49 emits must read the same
 * as the literal an older Bicep wrote, and what only Azure knows must stay visible as such.
 */
import { describe, expect, it } from 'vitest';
import { resolve, type Scope } from './arm-expressions.js';

const main: Scope = {
  template: {
    parameters: { environmentName: { type: 'string' }, sku: { type: 'string', defaultValue: 'Developer' } },
    variables: {
      resourceToken: "[toLower(uniqueString(subscription().id, parameters('environmentName')))]",
      names: { serviceBus: "[format('sb-{0}', variables('resourceToken'))]", apim: 'apim-fixed' },
      '$fxv#0': "<policies>it's verbatim</policies>",
      rules: [{ name: 'a' }],
    },
  },
};
const messaging: Scope = {
  template: {
    parameters: { namespaceName: { type: 'string' }, queueName: { type: 'string', defaultValue: 'notifications' } },
    variables: {},
  },
  passed: { namespaceName: "[variables('names').serviceBus]" },
  parent: main,
};

describe('ARM expression resolver', () => {
  it('reads variables, defaults and loadTextContent results as their values', () => {
    expect(resolve("[variables('$fxv#0')]", main)).toBe("<policies>it's verbatim</policies>");
    expect(resolve("[parameters('sku')]", main)).toBe('Developer');
    expect(resolve("[variables('names').apim]", main)).toBe('apim-fixed');
    expect(resolve("[variables('rules')[0].name]", main)).toBe('a');
  });

  it("follows a module's parameter to the value its parent passes, and keeps what only Azure knows", () => {
    expect(resolve("[format('{0}/{1}', parameters('namespaceName'), parameters('queueName'))]", messaging)).toBe(
      "sb-<toLower(uniqueString(subscription().id, parameters('environmentName')))>/notifications",
    );
    expect(resolve("[parameters('environmentName')]", main)).toBe("[parameters('environmentName')]");
  });

  it('evaluates concat, string literals with quotes, escaped brackets and nested values', () => {
    expect(resolve("[concat('it''s ', 'one', string(2))]", main)).toBe("it's one2");
    expect(resolve("[concat(variables('rules'), createArray())]", main)).toBe("[concat(variables('rules'), createArray())]");
    expect(resolve('[[not an expression]', main)).toBe('[not an expression]');
    expect(resolve("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', __bicep.roleName(subscription().id))]", main)).toBe(
      "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', __bicep.roleName(subscription().id))]",
    );
    expect(resolve({ list: ["[variables('names').apim]", 1, true] }, main)).toEqual({ list: ['apim-fixed', 1, true] });
  });
});
