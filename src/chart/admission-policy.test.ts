import { readFileSync } from 'node:fs';
import { HOT_TAINT_KEY } from '../rebalancing/hot-taint.js';
import { REBALANCED_AT_ANNOTATION } from '../rebalancing/move-history.js';
import { FENCE_CONFIRMED_ANNOTATION } from '../failover/confirmed-down.js';
import { FENCED_BY_ANNOTATION } from '../failover/fence-marker.js';
import { OUT_OF_SERVICE_TAINT_KEY, OUT_OF_SERVICE_TAINT_VALUE } from '../failover/recovery-plan.js';
import { chartFile } from './chart-readme.js';

// Every taint key and annotation the operator writes on nodes (through the Actuator's node changes); a fence
// agent's confirmation is only ever removed (on unfence), which the policy checks separately.
const WRITTEN_TAINT_KEYS = [OUT_OF_SERVICE_TAINT_KEY, HOT_TAINT_KEY];
const WRITTEN_ANNOTATIONS = [FENCED_BY_ANNOTATION, REBALANCED_AT_ANNOTATION, FENCE_CONFIRMED_ANNOTATION];

/** The CEL list literal of the policy variable `name`, as strings. */
function policyList(template: string, name: string): string[] {
  const match = new RegExp(`- name: ${name}\\n\\s+expression: "\\[([^\\]]*)\\]"`).exec(template);
  if (!match) throw new Error(`no variable ${name} in the admission policy`);
  return match[1]!.split(',').map((item) => item.trim().replace(/^'|'$/g, ''));
}

describe('the chart admission policy allows exactly the node writes the operator makes', () => {
  const template = readFileSync(chartFile('templates/admission-policy.yaml'), 'utf8');

  test('its own taints are the taint keys failover and rebalancing write', () => {
    expect(policyList(template, 'ownTaintKeys').sort()).toEqual([...WRITTEN_TAINT_KEYS].sort());
  });

  test('its own annotations are the annotations failover and rebalancing write', () => {
    expect(policyList(template, 'ownAnnotations').sort()).toEqual([...WRITTEN_ANNOTATIONS].sort());
  });

  test('a fence agent confirmation may be removed but never set by the operator', () => {
    expect(template).toContain(`!('${FENCE_CONFIRMED_ANNOTATION}' in variables.newAnnotations) ||`);
  });

  test('the out-of-service taint may be written only with the value failover writes', () => {
    expect(template).toContain(
      `t.key != '${OUT_OF_SERVICE_TAINT_KEY}' ||\n        t.?value.orValue('') == '${OUT_OF_SERVICE_TAINT_VALUE}'`,
    );
  });
});
