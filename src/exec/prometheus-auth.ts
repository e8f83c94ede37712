/**
 * HTTP basic auth for Prometheus, for a URL that was given with userinfo: the credentials travel in the
 * `auth` option of the driver (an Authorization header), never in the URL that gets recorded.
 */
import type { PrometheusClientFactory } from './prometheus.js';

/** Wraps a client factory so every client it makes sends these basic-auth credentials. */
export function withBasicAuth(factory: PrometheusClientFactory, auth: { username: string; password: string } | undefined): PrometheusClientFactory {
  if (!auth) return factory;
  return (options) => factory({ ...options, auth });
}
