/** Lint sites shared by the kinds whose bodies are checks or commands (a check, a mitigation's verifying check). */
import type { Attributes, Position } from '../model/index.js';
import type { CommandSiteShape, PromqlSiteShape } from './definition.js';

/** A body with its place: a step's, or a fence's inside a mitigation. */
interface Part {
  attributes: Attributes;
  body: string;
  bodyPosition: Position;
  position: Position;
}

/** A check's command site: present when it runs a command (`run=kubectl|sh`). */
export function checkCommandSite(part: Part): CommandSiteShape | undefined {
  const run = part.attributes.run;
  if (run !== 'kubectl' && run !== 'sh') return undefined;
  return {
    runner: run,
    role: 'check',
    body: part.body,
    bodyStart: part.bodyPosition.start.offset,
    attributes: part.attributes,
    position: part.position,
    // A check is meant to only read; a mitigation's verifying check runs after its approval, not behind its own gate.
    gated: false,
  };
}

/** A check's PromQL site: present unless it runs a command or asserts on an earlier step's result. */
export function checkPromqlSite(part: Part, role: PromqlSiteShape['role']): PromqlSiteShape | undefined {
  if (part.attributes.run !== undefined || part.attributes.of !== undefined) return undefined;
  return { role, body: part.body, bodyStart: part.bodyPosition.start.offset, attributes: part.attributes, position: part.position };
}
