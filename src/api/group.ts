/**
 * Names of the Fulcrum API: the group, its version, and the kinds and plurals that clients and the CRDs use.
 */

export const GROUP = 'fulcrum.io';
export const VERSION = 'v1alpha1';
/** `apiVersion` of every Fulcrum object. */
export const API_VERSION = `${GROUP}/${VERSION}`;

export const RESOURCE_POOL_KIND = 'ResourcePool';
export const RESOURCE_POOL_PLURAL = 'resourcepools';
export const RESOURCE_POOL_SINGULAR = 'resourcepool';
export const RESOURCE_POOL_SHORT_NAME = 'rpool';

export const WORKLOAD_POLICY_KIND = 'WorkloadPolicy';
export const WORKLOAD_POLICY_PLURAL = 'workloadpolicies';
export const WORKLOAD_POLICY_SINGULAR = 'workloadpolicy';
export const WORKLOAD_POLICY_SHORT_NAME = 'wpol';

/** `kubectl get fulcrum` lists every Fulcrum object. */
export const CATEGORY = 'fulcrum';

/** Field manager the operator uses for server-side apply, so its fields never conflict with GitOps tools. */
export const FIELD_MANAGER = 'fulcrum';
