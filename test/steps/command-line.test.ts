import { describe, expect, it } from 'vitest';
import { splitCommandLine } from '../../src/steps/command-line.js';

const words = (body: string) => splitCommandLine(body).words.map((w) => w.value);

describe('splitCommandLine', () => {
  it.each([
    ['kubectl get pods -n payments', ['kubectl', 'get', 'pods', '-n', 'payments']],
    ["kubectl get pod x -o jsonpath='{.items[*].metadata.name}'", ['kubectl', 'get', 'pod', 'x', '-o', 'jsonpath={.items[*].metadata.name}']],
    ['kubectl logs "my pod" --tail=5', ['kubectl', 'logs', 'my pod', '--tail=5']],
    ['kubectl get \\\n  pods \\\n  -A', ['kubectl', 'get', 'pods', '-A']],
    ['kubectl get pods # list them', ['kubectl', 'get', 'pods']],
    ['kubectl get pods\\ x', ['kubectl', 'get', 'pods x']],
    ['kubectl annotate pod p a="x\\"y"', ['kubectl', 'annotate', 'pod', 'p', 'a=x"y']],
    ['kubectl get pods -l app={{deployment}}', ['kubectl', 'get', 'pods', '-l', 'app={{deployment}}']],
    ['kubectl get pods -l x=a#b', ['kubectl', 'get', 'pods', '-l', 'x=a#b']],
  ])('splits %j', (body, expected) => {
    expect(words(body)).toEqual(expected);
    expect(splitCommandLine(body).problems).toEqual([]);
  });

  it('keeps word offsets into the body', () => {
    const { words: ws } = splitCommandLine('kubectl  get "a b"');
    expect(ws.map((w) => [w.start, w.end, w.quoted])).toEqual([
      [0, 7, false],
      [9, 12, false],
      [13, 18, true],
    ]);
  });

  it.each([
    ['kubectl get pods | grep gateway', '|', 17],
    ['kubectl get pods > pods.txt', '>', 17],
    ['kubectl get pod $(cat name)', '$(', 16],
    ['kubectl get pods && kubectl get svc', '&&', 17],
    ['kubectl get pods; rm -rf /', ';', 16],
    ['kubectl get pods 2>/dev/null', '2>', 17],
    ['kubectl get pod `cat name`', '`', 16],
    ['kubectl get pod "$(cat name)"', '$(', 17],
  ])('flags the shell construct in %j', (body, text, start) => {
    const { problems } = splitCommandLine(body);
    expect(problems[0]).toMatchObject({ text, start });
    expect(problems[0]!.message).toMatch(/use an `sh` step/);
  });

  it('ends a word made of a trailing lone backslash inside the body', () => {
    const { words } = splitCommandLine('kubectl get \\');
    expect(words.at(-1)).toMatchObject({ start: 12, end: 13 });
  });

  it('reports an unterminated quote', () => {
    expect(splitCommandLine("kubectl get 'pods").problems[0]).toMatchObject({ text: "'", start: 12 });
  });
});
