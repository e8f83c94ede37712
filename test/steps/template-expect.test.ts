import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/steps/duration.js';
import { compare, isExpectError, parseExpect } from '../../src/steps/expect.js';
import { findPlaceholders, maskPlaceholders, renderTemplate, UnresolvedPlaceholderError } from '../../src/steps/template.js';

describe('templates', () => {
  it('finds params and captures with offsets', () => {
    const text = 'get pod {{ steps.pods.name }} -n {{namespace}}';
    expect(findPlaceholders(text)).toEqual([
      { raw: '{{ steps.pods.name }}', ref: { type: 'capture', step: 'pods', name: 'name' }, start: 8, end: 29 },
      { raw: '{{namespace}}', ref: { type: 'param', name: 'namespace' }, start: 33, end: 46 },
    ]);
  });

  it('leaves go-templates and escaped placeholders alone', () => {
    expect(findPlaceholders('{{.metadata.name}} {{range .items}} \\{{namespace}}')).toEqual([]);
    expect(renderTemplate('-o go-template={{.metadata.name}} \\{{namespace}} {{namespace}}', () => 'payments')).toBe(
      '-o go-template={{.metadata.name}} {{namespace}} payments',
    );
  });

  it('throws a typed error for a missing value', () => {
    expect(() => renderTemplate('{{nope}}', () => undefined)).toThrow(UnresolvedPlaceholderError);
  });

  it('masks placeholders keeping length', () => {
    const text = 'up{namespace="{{namespace}}"}';
    expect(maskPlaceholders(text)).toHaveLength(text.length);
    expect(maskPlaceholders(text)).toBe('up{namespace="xxxxxxxxxxxxx"}');
  });
});

describe('expect', () => {
  it.each([
    ['< 0.05', 0.04, true],
    ['< 0.05', 0.05, false],
    ['<= 1', 1, true],
    ['== 0', 0, true],
    ['!= 0', 0, false],
    ['>= 3', 3, true],
    ['> 3', 3, false],
    ['>1e3', 1001, true],
    ['< +Inf', 5, true],
  ])('%s with %d is %s', (source, value, ok) => {
    const parsed = parseExpect(source);
    if (isExpectError(parsed)) throw new Error(parsed.message);
    expect(compare(parsed, value)).toBe(ok);
  });

  it.each(['empty', 'not-empty', ' empty '])('reads %j', (source) => {
    expect(isExpectError(parseExpect(source))).toBe(false);
  });

  it.each(['', '<', 'less than 5', '=< 3', '< 5 apples', '= 1'])('rejects %j', (source) => {
    const parsed = parseExpect(source);
    expect(isExpectError(parsed) && parsed.message).toMatch(/Cannot read expectation/);
  });
});

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '5', '5 m', '-5m', 'm5'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());
});
