/**
 * Every Prometheus exchange is bounded: the step's `timeout` is a deadline on the whole exchange (a server
 * that sends headers then drips a byte a second is cut off), the body is size-capped, and a huge answer
 * (150,000 series) is summarised without spreading it into a call. Real CLI, loopback fault servers.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, events, faultServer, runCli, tempDir } from './support.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('bounded'));
  await writeFile(
    path.join(dir, 'q.md'),
    '---\ntitle: Bounded\n---\n\n# Bounded\n\n```promql {#first timeout=2s}\nup\n```\n\n```sh {#after}\necho still-running\n```\n',
  );
});
afterAll(async () => cleanup());

async function runAgainst(url: string, name: string, extra: string[] = []) {
  const timelinePath = path.join(dir, `${name}.jsonl`);
  const run = await runCli(['run', 'q.md', '--prometheus', url, '--approve', 'after', '--timeline', timelinePath, ...extra], { cwd: dir, env: cliEnv([]) });
  const timeline = events(readFileSync(timelinePath, 'utf8'));
  const finished = (step: string) => timeline.find((e) => e.type === 'step.finished' && e.step === step) as { status: string; error?: string; summary?: string; durationMs: number };
  return { run, timeline, first: finished('first'), after: finished('after'), runFinished: timeline.find((e) => e.type === 'run.finished') };
}

describe('bounded Prometheus exchanges', () => {
  it.concurrent('headers then one byte a second: cut at the step timeout, not held by an idle timer', async () => {
    let sent = 0;
    let closedAfter = -1;
    const server = await faultServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const body = '{"status":"success","data":{"resultType":"vector","result":[]}}';
      const timer = setInterval(() => {
        if (sent >= body.length) return void res.end();
        res.write(body[sent++]!);
      }, 1_000);
      res.on('close', () => {
        clearInterval(timer);
        closedAfter = sent;
      });
    });
    try {
      const result = await runAgainst(server.url, 'drip');
      expect(result.first.status).toBe('error');
      expect(result.first.error).toMatch(/did not answer within 2s/);
      // An idle timer would have read the whole 63-byte body over a minute; the deadline closed the socket
      // after the first few bytes.
      expect(closedAfter).toBeGreaterThanOrEqual(0);
      expect(closedAfter).toBeLessThan(10);
      expect(result.after.status).toBe('ok');
      expect(result.runFinished).toBeDefined();
      expect(result.run.code).toBe(1);
      console.info(`slow drip: step ended after ${result.first.durationMs} ms with timeout=2s`);
    } finally {
      await server.stop();
    }
  });

  it.concurrent('150,000 series: summarised and recorded, no stack overflow', async () => {
    const n = 150_000;
    const server = await faultServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":"success","data":{"resultType":"vector","result":[');
      for (let i = 0; i < n; i++) res.write(`${i ? ',' : ''}{"metric":{"__name__":"up","i":"${i}"},"value":[1700000000,"${i}"]}`);
      res.end(']}}');
    });
    try {
      const result = await runAgainst(server.url, 'many');
      expect(result.run.signal).toBeNull();
      expect(result.run.stderr).not.toMatch(/Maximum call stack/);
      expect(result.first.status).toBe('ok');
      expect(result.first.summary).toMatch(/^150000 series, max /);
      expect(result.after.status).toBe('ok');
      expect(result.runFinished).toBeDefined();
      expect([0, 1]).toContain(result.run.code);
    } finally {
      await server.stop();
    }
  });

  it.concurrent('a 2 GiB body is cut at the 64 MiB cap with a clear step error', async () => {
    const total = 2 * 1024 ** 3;
    let sent = 0;
    const server = await faultServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(total) });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      const pump = (): void => {
        while (sent < total && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      pump();
    });
    try {
      const result = await runAgainst(server.url, 'huge', ['--max-response-bytes', '64m']);
      expect(result.run.signal).toBeNull();
      expect(result.first.status).toBe('error');
      expect(result.first.error).toMatch(/sent more than 67108864 bytes \(the response cap/);
      expect(sent).toBeLessThan(total);
      expect(result.after.status).toBe('ok');
      expect(result.runFinished).toBeDefined();
      expect(result.run.code).toBe(1);
    } finally {
      await server.stop();
    }
  });

  it.concurrent('a bad --max-response-bytes is a usage error before anything runs', async () => {
    const timelinePath = path.join(dir, 'bad-cap.jsonl');
    const run = await runCli(['run', 'q.md', '--prometheus', 'http://127.0.0.1:9', '--max-response-bytes', 'lots', '--timeline', timelinePath], { cwd: dir, env: cliEnv([]) });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--max-response-bytes: expected a byte count/);
    expect(() => readFileSync(timelinePath)).toThrow();
  });
});
