#!/usr/bin/env bash
# Installs, from Debian's archive, whatever the build, the tests and the demo need and the
# machine lacks. Safe to run again: it installs nothing when everything is present.
set -euo pipefail

packages=(
  g++ make cmake pkg-config       # toolchain
  libcurl4-openssl-dev            # the SDK's HTTP client
  ca-certificates                 # the CA store HTTPS verifies against (libcurl only recommends it)
  nlohmann-json3-dev              # the SDK's JSON library
  catch2                          # tests (Debian 12 ships v2.13; v3 is used when present)
  libcpp-httplib-dev              # the local emulator (tests and demo only)
  doxygen                         # the API reference, and the test that every public declaration has a comment
)
# The full test command also builds with clang: sanitizers and libFuzzer (tests only).
if [ "${CENTRALI_WITH_SANITIZERS:-1}" = 1 ]; then
  packages+=(clang libclang-rt-14-dev llvm)  # llvm: llvm-symbolizer, which the sanitizer suppressions need
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "error: installing packages needs root (or run: sudo $0)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
