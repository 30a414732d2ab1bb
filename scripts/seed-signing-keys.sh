#!/usr/bin/env bash
# Makes sure a freshly provisioned function app can sign tokens: seeds the JWT signing keys in Key
# Vault when they are missing, then has App Service resolve the app's Key Vault reference again and
# waits until it is resolved. Run after every infrastructure deployment, before the code deployment
# (azure.yaml's postprovision hook, deploy.yml's "JWT signing keys" step).
#
# Why the second half: main.bicep writes the JWT_SIGNING_KEYS setting (a Key Vault reference) before
# this script can create the secret, and an unresolved reference reaches the app as the literal
# `@Microsoft.KeyVault(...)`, which the app's config refuses. App Service fetches references again
# only every 24 hours or on a configuration change, so the first deployment would stay broken for a
# day; the documented refresh endpoint fetches them now.
#
# Needs the Azure CLI signed in, and Node.js (the key is made with node:crypto).
#   AZURE_KEY_VAULT_NAME, AZURE_RESOURCE_GROUP, FUNCTION_APP_NAME   from main.bicep's outputs
#   SEED_ATTEMPTS (default 20), SEED_WAIT_SECONDS (default 30)      how long to wait for RBAC to reach Key Vault
set -euo pipefail

vault="${AZURE_KEY_VAULT_NAME:?AZURE_KEY_VAULT_NAME is not set (an output of infra/main.bicep)}"
group="${AZURE_RESOURCE_GROUP:?AZURE_RESOURCE_GROUP is not set (an output of infra/main.bicep)}"
app="${FUNCTION_APP_NAME:?FUNCTION_APP_NAME is not set (an output of infra/main.bicep)}"
attempts="${SEED_ATTEMPTS:-20}"
wait_seconds="${SEED_WAIT_SECONDS:-30}"
secret=jwt-signing-keys
setting=JWT_SIGNING_KEYS

# The one secret ARM cannot make: an EC private key. Created once, never overwritten (rotation is
# a documented manual step), written from a file that only this user can read, never logged.
seed_keys() {
  local attempt error keyfile
  for attempt in $(seq 1 "$attempts"); do
    if error=$(az keyvault secret show --vault-name "$vault" --name "$secret" --query id --output none 2>&1); then
      echo "$secret already in $vault"
      return 0
    fi
    if grep -q SecretNotFound <<<"$error"; then
      keyfile="$(mktemp)"
      # shellcheck disable=SC2064 # the path is fixed now, on purpose
      trap "rm -f '$keyfile'" EXIT
      (umask 077 && node --input-type=module -e "
        import { generateKeyPairSync, randomUUID } from 'node:crypto';
        const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const jwk = privateKey.export({ format: 'jwk' });
        process.stdout.write(JSON.stringify([{ ...jwk, kid: randomUUID(), alg: 'ES256', use: 'sig' }]));
      " >"$keyfile")
      az keyvault secret set --vault-name "$vault" --name "$secret" --file "$keyfile" --content-type application/json --output none
      rm -f "$keyfile"
      echo "$secret created in $vault"
      return 0
    fi
    # A fresh role assignment takes minutes to reach Key Vault.
    echo "Key Vault $vault not readable yet (attempt $attempt of $attempts): $error"
    sleep "$wait_seconds"
  done
  echo "seed-signing-keys: could not read $vault; does this identity hold Key Vault Secrets Officer on it (deployerPrincipalId)?" >&2
  return 1
}

# Ask App Service to fetch the app's Key Vault references now, then wait for JWT_SIGNING_KEYS to
# resolve: the app's own identity needs its Key Vault Secrets User assignment to have propagated.
resolve_reference() {
  local attempt site status
  site="/subscriptions/$(az account show --query id --output tsv)/resourceGroups/$group/providers/Microsoft.Web/sites/$app"
  for attempt in $(seq 1 "$attempts"); do
    az rest --method post --url "$site/config/configreferences/appsettings/refresh?api-version=2022-03-01" --output none
    status=$(az rest --method get --url "$site/config/configreferences/appsettings/$setting?api-version=2022-03-01" \
      --query "[properties.status, properties.details]" --output tsv | tr '\n' ' ')
    if [[ "$status" == Resolved* ]]; then
      echo "$setting resolves from Key Vault on $app"
      return 0
    fi
    echo "$setting not resolved on $app yet (attempt $attempt of $attempts): ${status:-no status}"
    sleep "$wait_seconds"
  done
  echo "seed-signing-keys: $app still cannot resolve $setting; the app will refuse to start until it can (docs/deploy.md, \"The JWT signing keys\")" >&2
  return 1
}

seed_keys
resolve_reference
