/**
 * A long-running loop started by the `Manager`: an informer, a controller's workers, the health server.
 *
 * `start` runs until `signal` aborts, then cleans up and resolves. Returning or throwing before the signal
 * aborts is a failure: the manager stops everything (a loop that silently ends is the bug this prevents).
 */
export interface Runnable {
  readonly name: string;
  /** Run only on the elected leader (anything that writes); false for caches and servers. */
  readonly needsLeader: boolean;
  start(signal: AbortSignal): Promise<void>;
}
