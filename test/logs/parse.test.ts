import { describe, expect, it } from 'vitest';
import { LogAggregator, messagePattern, parseLine, parseLogfmt } from '../../src/logs/index.js';

describe('parseLine', () => {
  it.each([
    ['logfmt', 'ts=2025-10-26T10:15:37Z level=error msg="checkout failed: payment error" trace_id=abc status=502', 'error', 'checkout failed: payment error', { trace_id: 'abc', status: '502' }],
    ['JSON', '{"time":"2025-10-26T10:15:37Z","level":"ERROR","message":"Connection refused","trace_id":"abc","retry.count":3}', 'error', 'Connection refused', { trace_id: 'abc', 'retry.count': '3' }],
    ['brackets', 'WARN [trace_id=abc] [correlation_id=req-1] retrying payment-gateway:8080 attempt=2', 'warn', 'WARN retrying payment-gateway:8080 attempt=2', { trace_id: 'abc', correlation_id: 'req-1' }],
    ['plain text', '2025-10-26T10:15:37Z ERROR: disk full', 'error', '2025-10-26T10:15:37Z ERROR: disk full', {}],
    ['prose with one =', 'we set x=1 and it broke', undefined, 'we set x=1 and it broke', {}],
  ])('%s', (_name, line, level, message, fields) => {
    const p = parseLine(line);
    expect(p.level).toBe(level);
    expect(p.message).toBe(message);
    expect(p.fields).toMatchObject(fields);
  });

  it('logfmt quoting and escapes', () => {
    expect(parseLogfmt('a=1 b="two words" c="q\\"x" d')).toEqual({ a: '1', b: 'two words', c: 'q"x', d: '' });
  });

  it('masks numbers and ids in patterns', () => {
    expect(messagePattern('charged order 1042 for req-7f3a9c21 trace 4bf92f3577b34da6')).toBe('charged order <n> for req-<id> trace <id>');
    expect(messagePattern('Connection refused: payment-gateway:8080')).toBe('Connection refused: payment-gateway:<n>');
  });
});

describe('LogAggregator', () => {
  it('earliest and latest by time, not arrival; top by count; count', () => {
    const a = new LogAggregator(/level=error/, ['trace_id']);
    a.add('level=error msg=x trace_id=late', 3000);
    a.add('level=error msg=x trace_id=early', 1000);
    a.add('level=info msg=x trace_id=ignored', 500);
    a.add('level=error msg=x trace_id=late', 2000);
    expect(a.pick('trace_id', 'earliest')).toBe('early');
    expect(a.pick('trace_id', 'latest')).toBe('late');
    expect(a.pick('trace_id', 'top')).toBe('late');
    const s = a.summary();
    expect(s.matched).toBe(3);
    expect(s.read).toBe(4);
    expect(s.byLevel).toEqual({ error: 3 });
    expect(s.patterns).toEqual([{ pattern: 'x', count: 3 }]);
    expect(s.samples[0]).toContain('early');
  });

  it('hostile lines are neutralised and memory stays bounded', () => {
    const a = new LogAggregator(undefined, ['id']);
    a.add('\u001b[2J\u001b[31mlevel=error msg="boom\u0007" id=\ud800x');
    a.add(`level=info msg=${'x'.repeat(1_000_000)}`);
    for (let i = 0; i < 30_000; i++) a.add(`level=info msg="m${'abcdefghij'[i % 10]}${i % 1500 === 0 ? '' : 'z'.repeat(i % 37)}" id=v${i}`);
    const s = a.summary();
    const all = JSON.stringify(s);
    expect(all).not.toMatch(/[\u001b\u0007]/);
    expect(all).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(s.samples.every((l) => l.length < 400)).toBe(true);
    expect(s.extracted.id!.length).toBeLessThanOrEqual(10);
    expect(s.capped).toBe(true);
    expect(s.read).toBe(30_002);
  });
});
