/**
 * Every lint rule, by id, in sorted order. Explicit on purpose: rules are never discovered from the filesystem.
 */
import type { Rule } from '../rule.js';
import checkExpectation from './check-expectation.js';
import dangerousCommand from './dangerous-command.js';
import fenceCouldBeStep from './fence-could-be-step.js';
import frontmatterSchema from './frontmatter-schema.js';
import kubectlInteractive from './kubectl-interactive.js';
import kubectlMutatingOutsideGate from './kubectl-mutating-outside-gate.js';
import kubectlNamespace from './kubectl-namespace.js';
import kubectlUnsupportedShell from './kubectl-unsupported-shell.js';
import mitigateRollback from './mitigate-rollback.js';
import mitigateVerify from './mitigate-verify.js';
import promqlSyntax from './promql-syntax.js';
import requiredSections from './required-sections.js';
import stepAttributes from './step-attributes.js';
import stepForm from './step-form.js';
import stepIdMissing from './step-id-missing.js';
import stepIdUnique from './step-id-unique.js';
import templateUndefined from './template-undefined.js';

/** Rule id → rule. */
export const RULES: Readonly<Record<string, Rule<never>>> = {
  'check-expectation': checkExpectation,
  'dangerous-command': dangerousCommand,
  'fence-could-be-step': fenceCouldBeStep,
  'frontmatter-schema': frontmatterSchema,
  'kubectl-interactive': kubectlInteractive,
  'kubectl-mutating-outside-gate': kubectlMutatingOutsideGate,
  'kubectl-namespace': kubectlNamespace,
  'kubectl-unsupported-shell': kubectlUnsupportedShell,
  'mitigate-rollback': mitigateRollback,
  'mitigate-verify': mitigateVerify,
  'promql-syntax': promqlSyntax,
  'required-sections': requiredSections,
  'step-attributes': stepAttributes,
  'step-form': stepForm,
  'step-id-missing': stepIdMissing,
  'step-id-unique': stepIdUnique,
  'template-undefined': templateUndefined,
};
