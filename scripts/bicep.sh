#!/usr/bin/env bash
# Runs the Bicep CLI with the given arguments, installing it first when it is missing.
#
# Bicep has no npm or Debian package, but Microsoft publishes the self-contained CLI on NuGet
# (Azure.Bicep.CommandLine.<rid>), and the .NET SDK can restore it. The restore goes into a
# throwaway project and a cache outside the repository, so nothing lands in the work tree and a
# second run costs one `test -x`.
#
#   BICEP_VERSION   NuGet version to install (default: the newest the feed offers)
#   BICEP_CACHE     install location (default: ${XDG_CACHE_HOME:-$HOME/.cache}/waitlist/bicep)
set -euo pipefail

# A Bicep already on the machine (GitHub's hosted runners ship one, `az bicep install` puts one in
# ~/.azure/bin) is used as is, unless a specific version was asked for.
if [[ -z "${BICEP_VERSION:-}" ]]; then
  if command -v bicep >/dev/null 2>&1; then exec bicep "$@"; fi
  if [[ -x "$HOME/.azure/bin/bicep" ]]; then exec "$HOME/.azure/bin/bicep" "$@"; fi
fi

version="${BICEP_VERSION:-*}"
cache="${BICEP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/waitlist/bicep}"
# The version is part of the path so that asking for another version never reuses a stale binary.
bin="$cache/${BICEP_VERSION:-latest}/bicep"

if [[ ! -x "$bin" ]]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) rid=linux-x64 ;;
    Linux-aarch64 | Linux-arm64) rid=linux-arm64 ;;
    Darwin-x86_64) rid=osx-x64 ;;
    Darwin-arm64) rid=osx-arm64 ;;
    *) echo "bicep.sh: no Bicep CLI package for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
  esac
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "bicep.sh: bicep is not on PATH and the .NET SDK (dotnet) is missing, so it cannot be restored from NuGet" >&2
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
