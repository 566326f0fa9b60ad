/**
 * A local API server for the `scale` benchmark, on 127.0.0.1: serves paged lists and watch streams of
 * nodes, pods, node Leases, PDBs, ResourcePools and WorkloadPolicies exactly as kube-apiserver's wire format
 * has them, accepts the status patches and Events the operator writes, and on request streams watch updates
 * (pod status changes, pods added and deleted, node heartbeats). Everything else is a 404 Status.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { leaseJson, nodeJson, podJson, poolJson, type ClusterShape } from './scale-objects.js';

type Collection = 'nodes' | 'pods' | 'leases' | 'pdbs' | 'pools' | 'policies';

const ROUTES: Array<[RegExp, Collection, string]> = [
  [/^\/api\/v1\/nodes$/, 'nodes', 'NodeList'],
  [/^\/api\/v1\/pods$/, 'pods', 'PodList'],
  [/^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/kube-node-lease\/leases$/, 'leases', 'LeaseList'],
  [/^\/apis\/policy\/v1\/poddisruptionbudgets$/, 'pdbs', 'PodDisruptionBudgetList'],
  [/^\/apis\/fulcrum\.io\/v1alpha1\/resourcepools$/, 'pools', 'ResourcePoolList'],
  [/^\/apis\/fulcrum\.io\/v1alpha1\/workloadpolicies$/, 'policies', 'WorkloadPolicyList'],
];

export class ScaleApiServer {
  private readonly server: Server;
  private readonly watchers = new Map<Collection, Set<ServerResponse>>();
  private rv = 1000;
  /** Pods created by updates get indices after the listed ones. */
  private nextPod: number;
  private readonly deleted = new Set<number>();
  requests = 0;

  constructor(private readonly shape: ClusterShape) {
    this.nextPod = shape.pods;
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const set of this.watchers.values()) for (const res of set) res.end();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  watching(collection: Collection): number {
    return this.watchers.get(collection)?.size ?? 0;
  }

  /**
   * Streams `count` watch events: 80 % pod status changes, 5 % pods added, 5 % deleted, 10 % node
   * heartbeats. Resolves when written (the subject process counts what it handled).
   */
  async streamUpdates(count: number, seed = 1): Promise<void> {
    let state = seed;
    const random = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < count; n++) {
      const roll = random();
      const rv = ++this.rv;
      if (roll < 0.1) {
        const node = Math.floor(random() * this.shape.nodes);
        const beat =
          new Date(Date.parse('2026-12-05T08:00:00Z') + rv * 1000).toISOString().slice(0, 19) + 'Z';
        await this.emit('nodes', 'MODIFIED', nodeJson(node, rv, beat));
      } else if (roll < 0.15) {
        await this.emit('pods', 'ADDED', podJson(this.nextPod++, this.shape, rv));
      } else if (roll < 0.2) {
        const victim = this.livePod(random);
        this.deleted.add(victim);
        await this.emit('pods', 'DELETED', podJson(victim, this.shape, rv));
      } else {
        await this.emit('pods', 'MODIFIED', podJson(this.livePod(random), this.shape, rv, 1 + (rv % 5)));
      }
    }
  }

  private livePod(random: () => number): number {
    for (;;) {
      const i = Math.floor(random() * this.shape.pods);
      if (!this.deleted.has(i)) return i;
    }
  }

  private async emit(collection: Collection, type: string, object: string): Promise<void> {
    const line = `{"type":"${type}","object":${object}}\n`;
    for (const res of this.watchers.get(collection) ?? []) {
      if (!res.write(line)) await new Promise((resolve) => res.once('drain', resolve));
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.requests++;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = ROUTES.find(([pattern]) => pattern.test(url.pathname));
    if (req.method === 'GET' && route) {
      if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1')
        return this.watch(route[1], res);
      return this.list(route[1], route[2], url, res);
    }
    // Writes the operator makes (pool and policy status, Events): accept, echo the body back.
    if (req.method === 'PATCH' || req.method === 'POST' || req.method === 'PUT') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const echo = url.pathname.includes('/resourcepools/') ? this.poolWithStatus(body) : body || '{}';
        res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
        res.end(echo);
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}');
  }

  private poolWithStatus(body: string): string {
    try {
      const status = (JSON.parse(body) as { status?: unknown }).status ?? {};
      const pool = JSON.parse(poolJson(++this.rv)) as Record<string, unknown>;
      return JSON.stringify({ ...pool, status });
    } catch {
      return poolJson(this.rv);
    }
  }

  private list(collection: Collection, kind: string, url: URL, res: ServerResponse): void {
    const total = this.total(collection);
    const limit = Number(url.searchParams.get('limit') ?? 0) || total;
    const start = Number(url.searchParams.get('continue') ?? 0) || 0;
    const end = Math.min(total, start + limit);
    const items: string[] = [];
    for (let i = start; i < end; i++) {
      if (collection === 'pods' && this.deleted.has(i)) continue;
      items.push(this.item(collection, i));
    }
    const next = end < total ? `,"continue":"${end}"` : '';
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      `{"kind":"${kind}","apiVersion":"v1","metadata":{"resourceVersion":"${this.rv}"${next}},"items":[${items.join(',')}]}`,
    );
  }

  private total(collection: Collection): number {
    if (collection === 'nodes' || collection === 'leases') return this.shape.nodes;
    if (collection === 'pods') return this.nextPod;
    return collection === 'pools' ? 1 : 0;
  }

  private item(collection: Collection, i: number): string {
    if (collection === 'nodes') return nodeJson(i, this.rv);
    if (collection === 'leases') return leaseJson(i, this.rv);
    if (collection === 'pods') return podJson(i, this.shape, this.rv);
    return poolJson(this.rv);
  }

  private watch(collection: Collection, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    let set = this.watchers.get(collection);
    if (!set) this.watchers.set(collection, (set = new Set()));
    set.add(res);
    res.on('close', () => set.delete(res));
  }
}
