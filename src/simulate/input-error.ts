/**
 * Bad input to `fulcrum simulate`: a file that is not YAML, an object Fulcrum cannot read, a kind it does not
 * simulate. The message always names the file (or the cluster) and the object, so the user can fix it
 * without guessing; the CLI prints it and exits non-zero.
 */
export class SimulationInputError extends Error {
  override readonly name = 'SimulationInputError';
}

/** Where an object came from, for messages: "pending.yaml: Deployment shop/web (document 2)". */
export interface ObjectOrigin {
  /** The file, or the cluster's server URL in kubeconfig mode. */
  source: string;
  /** 1-based YAML document, absent for objects read from the API server. */
  document?: number;
  kind: string;
  namespace?: string;
  name: string;
}

export function describeOrigin(origin: ObjectOrigin): string {
  const id = origin.namespace ? `${origin.namespace}/${origin.name}` : origin.name;
  const where = origin.document === undefined ? '' : ` (document ${origin.document})`;
  return `${origin.source}: ${origin.kind} ${id}${where}`;
}
