import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { timelineEventJsonSchema, validateTimelineEvent } from '../../src/timeline/schema.js';
import { TIMELINE_EVENT_TYPES } from '../../src/timeline/reader.js';
import type { TimelineEvent } from '../../src/timeline/events.js';
import { everyEventType } from './events.fixture.js';

const stamped = everyEventType.map((e, i) => ({ v: 1, seq: i + 1, time: '2025-10-26T10:20:00.123Z', run: 'r', ...e }) as TimelineEvent);

describe('timeline event schema', () => {
  it('schemas/timeline-event.schema.json is the code object written out', async () => {
    const file = await readFile(join(import.meta.dirname, '..', '..', 'schemas', 'timeline-event.schema.json'), 'utf8');
    expect(file).toBe(`${JSON.stringify(timelineEventJsonSchema, null, 2)}\n`);
  });

  it('has one oneOf branch per event type', () => {
    const types = timelineEventJsonSchema.oneOf.map((b) => (b.properties as { type: { const: string } }).type.const);
    expect(types).toEqual([...TIMELINE_EVENT_TYPES]);
  });

  it.each(stamped.map((e) => [e.type, e] as const))('accepts a %s event', (_type, e) => {
    expect(validateTimelineEvent(e)).toEqual({ valid: true, errors: [] });
  });

  const invalid: Array<[string, unknown, string]> = [
    ['a missing seq', { ...stamped[6], seq: undefined }, "must have required property 'seq'"],
    ['a local time', { ...stamped[6], time: '2025-10-26T12:20:00+02:00' }, '/time: must match pattern'],
    ['an unknown field', { ...stamped[6], mood: 'calm' }, 'unknown field `mood`'],
    ['an unknown type', { ...stamped[6], type: 'coffee' }, 'unknown event type `coffee`'],
    ['a bad gate decision', { ...stamped[3], decision: 'maybe' }, '/decision: must be equal to one of the allowed values'],
    ['a numeric sample value', { ...stamped[2], result: { resultType: 'vector', series: [{ labels: {}, value: [1, 0.4] }], seriesTotal: 1 } }, '/result/series/0/value/1: must be string'],
    ['counts missing a status', { ...stamped[7], counts: { ok: 1 } }, "/counts: must have required property 'passed'"],
    ['version 2', { ...stamped[6], v: 2 }, '/v: must be equal to constant'],
  ];
  it.each(invalid)('rejects %s', (_name, e, message) => {
    const result = validateTimelineEvent(e);
    expect(result.valid).toBe(false);
    expect(result.errors.join('\n')).toContain(message);
  });
});
