/** Kubernetes LabelSelector semantics (matchLabels AND every matchExpression), without client types. */

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/**
 * True when `labels` satisfy `selector`. An empty selector matches everything, as in Kubernetes; the API
 * forbids empty selectors where that would be dangerous (a pool claiming every node).
 */
export function matchesSelector(
  selector: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (have[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every((req) => matchesRequirement(req, have));
}

function matchesRequirement(req: LabelSelectorRequirement, labels: Record<string, string>): boolean {
  const present = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  switch (req.operator) {
    case 'In':
      return present && (req.values ?? []).includes(value as string);
    case 'NotIn':
      return !present || !(req.values ?? []).includes(value as string);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
  }
}
