import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evidenceVerdict, type Evidence, type EvidenceVerdict } from './evidence.js';

/** The table exactly as documented at the top of evidence.ts. */
function documentedTable(): Array<Evidence & { want: EvidenceVerdict }> {
  const source = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), 'evidence.ts'), 'utf8');
  const rows: Array<Evidence & { want: EvidenceVerdict }> = [];
  for (const line of source.split('\n')) {
    const cells = /^ \* \| (\w+) +\| (\w+) +\| (\w+) +\| (\w+) +\|$/.exec(line);
    if (!cells || cells[1] === 'probe') continue;
    rows.push({
      probe: cells[1] as Evidence['probe'],
      lease: cells[2] as Evidence['lease'],
      condition: cells[3] as Evidence['condition'],
      want: cells[4] as EvidenceVerdict,
    });
  }
  return rows;
}

const table = documentedTable();

describe('the evidence table (probe, lease, condition) → verdict', () => {
  test('documents all 27 combinations exactly once', () => {
    expect(table).toHaveLength(27);
    expect(new Set(table.map((r) => `${r.probe}/${r.lease}/${r.condition}`)).size).toBe(27);
  });

  test.each(table)('probe $probe, lease $lease, Ready $condition → $want', (row) => {
    expect(evidenceVerdict(row)).toBe(row.want);
  });

  test('Failed only where at least two channels say the node is gone', () => {
    for (const row of table.filter((r) => r.want === 'Failed')) {
      const failing = [row.probe === 'failing', row.lease === 'missed', row.condition === 'notReady'];
      expect(failing.filter(Boolean).length).toBeGreaterThanOrEqual(2);
    }
  });

  test('a fresh Lease or an answering probe is never Failed (Ready=False with a fresh Lease is Degraded)', () => {
    for (const row of table.filter((r) => r.lease === 'fresh' || r.probe === 'ok'))
      expect(row.want).not.toBe('Failed');
    expect(evidenceVerdict({ probe: 'unknown', lease: 'fresh', condition: 'notReady' })).toBe('Degraded');
    expect(evidenceVerdict({ probe: 'failing', lease: 'fresh', condition: 'notReady' })).toBe('Degraded');
  });
});
