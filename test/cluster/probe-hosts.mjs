// The kwok nodes' "hosts" for the real node's pods (see real-node.sh, probe-hosts): started by real-node.sh
// as the first process of a network namespace of its own (unshare --net), it answers every address that
// namespace holds, on each port named on the command line, as a node's kubelet port would: HTTP 200 to any
// request, so TCP probes connect and HTTP probes pass. Which nodes are alive is which addresses the namespace
// holds (`real-node.sh probe-address add|del`): a removed address is a host gone, its packets dropped unanswered
// (a probe times out, as with a dead machine, instead of being refused).
//
//   node probe-hosts.mjs PORT...
import { createServer } from 'node:http';

const ports = process.argv.slice(2).map(Number);
if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
  console.error('usage: node probe-hosts.mjs PORT...');
  process.exit(2);
}
for (const port of ports) {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    response.end('ok\n');
  });
  server.listen(port, '0.0.0.0', () => console.log(`answering on 0.0.0.0:${port}`));
}
process.on('SIGTERM', () => process.exit(0));
