/**
 * The parts of ResourcePool status that consolidation and the scale target write (field manager
 * `fulcrum-consolidator`).
 */
import { z } from 'zod';
import { timestamp } from './field-schemas.js';

const nodeList = (what: string) =>
  z.array(z.string().max(253)).max(20).optional().describe(`Up to 20 ${what}.`);

export const ConsolidationStatusSchema = z
  .object({
    mode: z.string().max(16).optional().describe('The consolidation mode in force: Off, DryRun or Enforce.'),
    nodesInUse: z
      .int()
      .min(0)
      .optional()
      .describe(
        'Member nodes holding pods that would have to move for the node to go (DaemonSet pods do not count).',
      ),
    lowerBoundNodes: z
      .int()
      .min(0)
      .optional()
      .describe(
        "Fewest nodes that could hold the pool's requests at the ceilings (largest nodes first, each " +
          'resource on its own): no packing can do better.',
      ),
    packingEfficiency: z
      .number()
      .min(0)
      .optional()
      .describe(
        'Requests over capacity at the ceilings of the nodes in use, in percent, for the resource that binds ' +
          'most (100 means the nodes in use are full to their ceilings).',
      ),
    boundEfficiency: z
      .number()
      .min(0)
      .optional()
      .describe('packingEfficiency in percent of the efficiency the lower bound would reach.'),
    candidates: nodeList(
      'nodes whose pods all fit elsewhere below the ceilings this interval (in DryRun: the nodes it would drain)',
    ),
    draining: nodeList(
      'nodes being drained (tainted fulcrum.io/consolidating and still holding movable pods)',
    ),
    free: nodeList('drained nodes: tainted, empty of movable pods, ready for a cluster autoscaler to remove'),
    message: z.string().max(1024).optional().describe('What consolidation did or why it waited, in words.'),
    time: timestamp.optional().describe('When consolidation last planned.'),
  })
  .describe('Consolidation (spec.optimization.consolidation) and the packing of the pool.');
