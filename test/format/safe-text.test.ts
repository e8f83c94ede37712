import { describe, expect, it } from 'vitest';
import { safeText } from '../../src/format/safe-text.js';

describe('safeText', () => {
  it('makes ANSI escapes and control characters visible', () => {
    expect(safeText('\u001b[31mred\u001b[0m\r\nnext\u0007')).toBe('\\x1b[31mred\\x1b[0m\\x0d\\x0anext\\x07');
    expect(safeText('tab\tkept')).toBe('tab\tkept');
  });
  it('replaces lone surrogates (invalid UTF-8 decoded) and keeps real pairs', () => {
    expect(safeText('a\ud800b\udc00c😀')).toBe('a\ufffdb\ufffdc😀');
  });
  it('bounds the length and says so', () => {
    const out = safeText('x'.repeat(1_000_000), 10);
    expect(out).toBe('xxxxxxxxxx… (1000000 chars)');
  });
});
