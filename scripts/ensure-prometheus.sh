#!/usr/bin/env bash
# Make sure Debian's prometheus package (prometheus + promtool) is available for the incident sandbox.
# Shared by .ci/run, test/sandbox/prometheus.ts and the tests, so there is one place that knows how.
set -euo pipefail

if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  exit 0
fi

msg='runbook sandbox needs Debian'"'"'s prometheus package (prometheus + promtool): run `sudo apt-get install prometheus`'

# Only install when we can do it without prompting: as root, on a system with apt-get.
if [ "${EUID:-1}" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null; then
    if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
      exit 0
    fi
  fi
  echo "$msg (automatic install failed)" >&2
  exit 1
fi

echo "$msg" >&2
exit 1
