/**
 * The priority a pod gets from its PriorityClass when it has no `spec.priority` yet — pods made from a
 * template, or written by hand — as the API server's Priority admission plugin would set it.
 */
import type { V1PriorityClass } from '@kubernetes/client-node';
import type { Sourced } from './cluster-snapshot.js';

/** Classes every cluster has, whether or not the snapshot lists them. */
const BUILT_IN: Readonly<Record<string, number>> = {
  'system-cluster-critical': 2_000_000_000,
  'system-node-critical': 2_000_001_000,
};

/**
 * The value of class `name`; without a name, the value of the snapshot's globalDefault class. Undefined when
 * there is neither (the pod's priority is then 0) or the class is unknown (see `unknownPriorityClass`).
 */
export function priorityFromClasses(
  name: string | undefined,
  classes: ReadonlyArray<Sourced<V1PriorityClass>>,
): number | undefined {
  if (name === undefined || name === '') {
    return classes.find((c) => c.value.globalDefault === true)?.value.value;
  }
  return classes.find((c) => c.value.metadata?.name === name)?.value.value ?? BUILT_IN[name];
}

/** True when the pod names a class the snapshot does not hold (the API server would refuse such a pod). */
export function unknownPriorityClass(
  name: string | undefined,
  classes: ReadonlyArray<Sourced<V1PriorityClass>>,
): boolean {
  return name !== undefined && name !== '' && priorityFromClasses(name, classes) === undefined;
}
