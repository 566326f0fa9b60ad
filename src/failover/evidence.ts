/**
 * The evidence table: what three independent channels, taken together, say about a node. Pure data and one
 * lookup; the detector (detector.ts) keeps each channel's latest signal and applies this table.
 *
 * Channels:
 * - probe (Fulcrum's own TCP/HTTP probe, the fast channel): `ok` after an answered probe, `failing` after
 *   failureThreshold consecutive failures of a node that answered at least once in this leadership term,
 *   `unknown` otherwise (not probed yet, address refused, fewer failures than the threshold, Lease pools);
 * - lease (the kubelet's Lease in kube-node-lease, judged on the operator's own clock): `fresh` while its
 *   renewTime keeps changing within the expected renew interval (plus a margin), `missed` once a renewal is
 *   overdue, `unknown` before the first sighting;
 * - condition (the node's Ready condition): `ready` (True), `notReady` (False or Unknown), `unknown`.
 *
 * The rules behind the table:
 * 1. Failed needs two channels that agree the node is gone: {probe failing, lease missed, condition
 *    notReady}, at least two of them.
 * 2. A fresh Lease vetoes Failed: a kubelet that renews is alive. With a failing probe that is a node the
 *    operator cannot reach (Suspect, never acted on); with Ready not True it is Degraded (runtime or network
 *    plugin trouble that Kubernetes reports; Fulcrum reports it too, and deletes nothing).
 * 3. An answering probe vetoes Failed as well: the node's host answers, so whatever the other channels say
 *    makes it Degraded, not Failed.
 * 4. One failing channel alone is Suspect; no failing channel and some evidence of life is Healthy; no
 *    evidence at all is Unknown (every node starts a leadership term Unknown).
 *
 * | probe   | lease   | condition | verdict  |
 * |---------|---------|-----------|----------|
 * | ok      | fresh   | ready     | Healthy  |
 * | ok      | fresh   | notReady  | Degraded |
 * | ok      | fresh   | unknown   | Healthy  |
 * | ok      | missed  | ready     | Degraded |
 * | ok      | missed  | notReady  | Degraded |
 * | ok      | missed  | unknown   | Degraded |
 * | ok      | unknown | ready     | Healthy  |
 * | ok      | unknown | notReady  | Degraded |
 * | ok      | unknown | unknown   | Healthy  |
 * | failing | fresh   | ready     | Suspect  |
 * | failing | fresh   | notReady  | Degraded |
 * | failing | fresh   | unknown   | Suspect  |
 * | failing | missed  | ready     | Failed   |
 * | failing | missed  | notReady  | Failed   |
 * | failing | missed  | unknown   | Failed   |
 * | failing | unknown | ready     | Suspect  |
 * | failing | unknown | notReady  | Failed   |
 * | failing | unknown | unknown   | Suspect  |
 * | unknown | fresh   | ready     | Healthy  |
 * | unknown | fresh   | notReady  | Degraded |
 * | unknown | fresh   | unknown   | Healthy  |
 * | unknown | missed  | ready     | Suspect  |
 * | unknown | missed  | notReady  | Failed   |
 * | unknown | missed  | unknown   | Suspect  |
 * | unknown | unknown | ready     | Healthy  |
 * | unknown | unknown | notReady  | Suspect  |
 * | unknown | unknown | unknown   | Unknown  |
 *
 * `evidenceVerdict` computes the table from the rules; evidence.test.ts checks every row against the table
 * above as written, so the documentation and the code cannot drift.
 */

export type ProbeSignal = 'ok' | 'failing' | 'unknown';
export type LeaseSignal = 'fresh' | 'missed' | 'unknown';
export type ConditionSignal = 'ready' | 'notReady' | 'unknown';

/** What the channels say together. Failed is the only verdict failover acts on. */
export type EvidenceVerdict = 'Healthy' | 'Suspect' | 'Degraded' | 'Failed' | 'Unknown';

export interface Evidence {
  probe: ProbeSignal;
  lease: LeaseSignal;
  condition: ConditionSignal;
}

/** How many channels say the node is gone: probe failing, lease missed, condition notReady. */
export function failingChannels(evidence: Evidence): number {
  const { probe, lease, condition } = evidence;
  return (probe === 'failing' ? 1 : 0) + (lease === 'missed' ? 1 : 0) + (condition === 'notReady' ? 1 : 0);
}

/** The verdict of the evidence table (see the file comment). O(1). */
export function evidenceVerdict(evidence: Evidence): EvidenceVerdict {
  const { probe, lease, condition } = evidence;
  const failing = failingChannels(evidence);
  const alive = probe === 'ok' || lease === 'fresh';
  if (alive) {
    // Rules 2 and 3: a live kubelet or an answering host is never Failed.
    if (condition === 'notReady' || (probe === 'ok' && lease === 'missed')) return 'Degraded';
    return probe === 'failing' ? 'Suspect' : 'Healthy';
  }
  if (failing >= 2) return 'Failed';
  if (failing === 1) return 'Suspect';
  return condition === 'ready' ? 'Healthy' : 'Unknown';
}
