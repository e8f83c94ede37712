#!/usr/bin/env bash
# Make sure the other real services the tests start are installed: Debian's prometheus-alertmanager
# (alert tests) and victoria-metrics (the second Prometheus-API engine). Same rules as
# ensure-prometheus.sh: install only as root with apt-get, otherwise say what to run.
set -euo pipefail

missing=()
command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v victoria-metrics >/dev/null 2>&1 || missing+=(victoria-metrics)
[ "${#missing[@]}" -eq 0 ] && exit 0

msg="runbook tests need Debian's ${missing[*]}: run \`sudo apt-get install ${missing[*]}\`"
if [ "${EUID:-1}" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
    # Debian starts packaged daemons on install where an init system runs; the tests start their own.
    command -v prometheus-alertmanager >/dev/null 2>&1 && command -v victoria-metrics >/dev/null 2>&1 && exit 0
  fi
  echo "$msg (automatic install failed)" >&2
  exit 1
fi
echo "$msg" >&2
exit 1
