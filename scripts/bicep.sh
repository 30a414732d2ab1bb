#!/usr/bin/env bash
# Runs the pinned Bicep CLI with the given arguments, installing it first when it is missing.
#
# Bicep has no npm or Debian package, but Microsoft publishes the self-contained CLI on NuGet
# (Azure.Bicep.CommandLine.<rid>), and the .NET SDK can restore it. The restore goes into a
# throwaway project and a cache outside the repository, so nothing lands in the work tree and a
# second run costs one `test -x`.
#
# The version is pinned: each Bicep release adds linter rules and API versions to its type data and
# changes how it prints compiled expressions, so an unpinned compiler turns a green build red (or
# quietly lets a new rule pass) without a change in this repository. To move to a newer Bicep:
#   1. find it on the feed: `grep Azure.Bicep.CommandLine.linux-x64 <package list>`, or nuget.org;
#   2. set pinned_version below (CI's Bicep cache is keyed on this file, so it follows);
#   3. run `BICEP_VERSION=<new> bash scripts/bicep.sh --version`, then `npx vitest run test/infra`,
#      and fix what the new linter finds (infra/bicepconfig.json turns every core rule to error).
#
#   BICEP_VERSION   NuGet version to install instead of the pinned one (to try a newer release)
#   BICEP_CACHE     install location (default: ${XDG_CACHE_HOME:-$HOME/.cache}/waitlist/bicep)
set -euo pipefail

pinned_version=0.49.2
version="${BICEP_VERSION:-$pinned_version}"

# A Bicep already on the machine (GitHub's hosted runners ship one, `az bicep install` puts one in
# ~/.azure/bin) is used only when it is exactly that version.
for candidate in "$(command -v bicep 2>/dev/null || true)" "$HOME/.azure/bin/bicep"; do
  if [[ -n "$candidate" && -x "$candidate" ]] && [[ "$("$candidate" --version 2>/dev/null)" == "Bicep CLI version $version "* ]]; then
    exec "$candidate" "$@"
  fi
done

cache="${BICEP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/waitlist/bicep}"
# The version is part of the path so that asking for another version never reuses a stale binary.
bin="$cache/$version/bicep"

if [[ ! -x "$bin" ]]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) rid=linux-x64 ;;
    Linux-aarch64 | Linux-arm64) rid=linux-arm64 ;;
    Darwin-x86_64) rid=osx-x64 ;;
    Darwin-arm64) rid=osx-arm64 ;;
    *) echo "bicep.sh: no Bicep CLI package for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
  esac
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "bicep.sh: Bicep $version is not installed and the .NET SDK (dotnet) is missing, so it cannot be restored from NuGet" >&2
    exit 1
  fi
  mkdir -p "$cache"
  # Parallel test workers may all arrive here at once: one restores, the others wait and reuse.
  # (flock is util-linux; without it, as on macOS, concurrent first runs just restore twice.)
  exec 9>"$cache/.lock"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  if [[ ! -x "$bin" ]]; then
    work="$(mktemp -d)"
    package="Azure.Bicep.CommandLine.$rid"
    tfm="net$(dotnet --version | cut -d. -f1).0"
    cat >"$work/restore.csproj" <<CSPROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>$tfm</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="$package" Version="$version" />
  </ItemGroup>
</Project>
CSPROJ
    echo "bicep.sh: restoring $package $version from NuGet into $cache" >&2
    status=0
    DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NUGET_PACKAGES="$cache/packages" \
      dotnet restore "$work/restore.csproj" --nologo --verbosity quiet >&2 || status=$?
    rm -rf "$work"
    if [[ $status -ne 0 ]]; then
      echo "bicep.sh: could not restore $package $version from the configured NuGet sources" >&2
      exit "$status"
    fi
    lower="$(tr '[:upper:]' '[:lower:]' <<<"$package")"
    found="$(find "$cache/packages/$lower" -path '*/tools/bicep' -type f | sort -V | tail -n 1)"
    if [[ -z "$found" ]]; then
      echo "bicep.sh: $package restored but has no tools/bicep" >&2
      exit 1
    fi
    # NuGet does not keep the executable bit.
    chmod +x "$found"
    mkdir -p "$(dirname "$bin")"
    ln -sfn "$found" "$bin"
  fi
  exec 9>&-
fi

exec "$bin" "$@"
