/**
 * Colour with meaning (green passed, red failed, yellow needs attention, cyan what runs) and none at all
 * with `--no-color` / `NO_COLOR`: without colour, components emit plain `<Text>` with no style props, so
 * no escape code can reach the terminal whatever chalk detects.
 */
import { createContext, useContext, type ReactNode } from 'react';
import { Text, type TextProps } from 'ink';
import type { Tone } from './format/lines.js';

/** Whether colours and text styles are on. */
export const ColorContext = createContext<boolean>(true);

const TONE_PROPS: Record<Tone, TextProps> = {
  ok: { color: 'green' },
  fail: { color: 'red' },
  warn: { color: 'yellow' },
  dim: { dimColor: true },
  strong: { bold: true },
  accent: { color: 'cyan' },
};

/** Text in a tone; `bold` and `inverse` add emphasis. All of it is dropped when colour is off. */
export function Tinted(props: { tone?: Tone | undefined; bold?: boolean; inverse?: boolean; wrap?: TextProps['wrap']; children?: ReactNode }): ReactNode {
  const color = useContext(ColorContext);
  const wrap = props.wrap ?? 'truncate-end';
  if (!color) return <Text wrap={wrap}>{props.children}</Text>;
  return (
    <Text wrap={wrap} {...(props.tone ? TONE_PROPS[props.tone] : {})} {...(props.bold ? { bold: true } : {})} {...(props.inverse ? { inverse: true } : {})}>
      {props.children}
    </Text>
  );
}

/** True when the operator asked for no colour: `--no-color`, or `NO_COLOR` set to anything non-empty (no-color.org). */
export function colorDisabled(flag: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return flag === true || (env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}
