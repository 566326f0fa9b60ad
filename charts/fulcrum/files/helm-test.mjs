// `helm test`: checks the installed operator from inside the cluster, as a user's client would meet it, with the
// operator image's Node.js and no dependency. Run by templates/tests/operator-test.yaml with its own
// ServiceAccount (read the release's pods and Lease, list ResourcePools, get /metrics). Fails (exit 1) unless:
//  - every operator pod is Running and Ready, and answers /healthz and /readyz on the health port;
//  - with secure metrics, /metrics refuses a request without a token (401) and serves one with this pod's
//    token (TokenReview + SubjectAccessReview passed); the metrics name the build, and exactly one replica
//    reports itself the leader (with leader election on);
//  - the leader-election Lease is held by one of these pods and was renewed within its duration;
//  - every ResourcePool older than a minute has the operator's Ready condition in its status.
// Pod IPs are used directly (no Service, no DNS needed): pod-to-pod traffic is what a NetworkPolicy must allow.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const env = (name) => process.env[name] ?? '';
const SA = '/var/run/secrets/kubernetes.io/serviceaccount';
const token = readFileSync(`${SA}/token`, 'utf8').trim();
const ca = readFileSync(`${SA}/ca.crt`);
const namespace = env('FULCRUM_NAMESPACE');
const failures = [];

function get(url, { auth, trustCa } = {}) {
  const secure = url.startsWith('https:');
  const options = {
    method: 'GET',
    timeout: 5000,
    headers: auth ? { authorization: `Bearer ${token}` } : {},
    ...(secure ? (trustCa ? { ca } : { rejectUnauthorized: false }) : {}),
  };
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(url, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

async function api(path) {
  const host = env('KUBERNETES_SERVICE_HOST');
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${env('KUBERNETES_SERVICE_PORT')}${path}`;
  const { status, body } = await get(url, { auth: true, trustCa: true });
  if (status !== 200) throw new Error(`GET ${path}: HTTP ${status} ${body.slice(0, 200)}`);
  return JSON.parse(body);
}

function check(ok, message) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
}

const ready = (pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

async function checkPod(pod) {
  const name = pod.metadata.name;
  const ip = pod.status?.podIP;
  check(pod.status?.phase === 'Running' && ready(pod), `pod ${name} is Running and Ready`);
  if (!ip) return 0;
  for (const path of ['/healthz', '/readyz']) {
    const res = await get(`http://${ip}:${env('FULCRUM_HEALTH_PORT')}${path}`).catch((e) => ({ status: e.message }));
    check(res.status === 200, `pod ${name} ${path}: ${res.status}`);
  }
  const metricsUrl = `${env('FULCRUM_METRICS_SECURE') === 'true' ? 'https' : 'http'}://${ip}:${env('FULCRUM_METRICS_PORT')}/metrics`;
  if (env('FULCRUM_METRICS_SECURE') === 'true') {
    const anonymous = await get(metricsUrl).catch((e) => ({ status: e.message }));
    check(anonymous.status === 401, `pod ${name} /metrics without a token: ${anonymous.status} (401 expected)`);
  }
  const metrics = await get(metricsUrl, { auth: true }).catch((e) => ({ status: e.message, body: '' }));
  check(metrics.status === 200, `pod ${name} /metrics with this pod's token: ${metrics.status}`);
  check(/^fulcrum_build_info\{/m.test(metrics.body), `pod ${name} /metrics has fulcrum_build_info`);
  return /^fulcrum_leader(\{[^}]*\})? 1$/m.test(metrics.body) ? 1 : 0;
}

async function checkLease(pods) {
  const lease = await api(
    `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/${env('FULCRUM_LEASE_NAME')}`,
  );
  const holder = lease.spec?.holderIdentity ?? '';
  const renewed = Date.parse(lease.spec?.renewTime ?? '') || 0;
  const ageS = (Date.now() - renewed) / 1000;
  const names = pods.map((p) => p.metadata.name);
  check(names.includes(holder.split('_')[0]), `Lease held by ${holder || 'nobody'} (one of ${names.join(', ')})`);
  check(ageS <= (lease.spec?.leaseDurationSeconds ?? 0), `Lease renewed ${ageS.toFixed(1)} s ago`);
}

async function checkPools() {
  const pools = (await api('/apis/fulcrum.io/v1alpha1/resourcepools')).items ?? [];
  const settled = pools.filter((p) => Date.now() - Date.parse(p.metadata.creationTimestamp) > 60_000);
  for (const pool of settled) {
    const condition = pool.status?.conditions?.find((c) => c.type === 'Ready');
    check(
      condition !== undefined,
      `pool ${pool.metadata.name}: Ready=${condition?.status} ${condition?.reason ?? '(no status from the operator)'}`,
    );
  }
  console.log(`${pools.length} pool(s), ${settled.length} older than a minute`);
}

async function main() {
  const selector = encodeURIComponent(env('FULCRUM_POD_SELECTOR'));
  const pods = (await api(`/api/v1/namespaces/${namespace}/pods?labelSelector=${selector}`)).items.filter(
    (p) => !p.metadata.deletionTimestamp,
  );
  check(pods.length > 0, `${pods.length} operator pod(s) in ${namespace}`);
  let leaders = 0;
  for (const pod of pods) leaders += await checkPod(pod);
  if (env('FULCRUM_LEADER_ELECTION') === 'true') {
    check(leaders === 1, `${leaders} replica(s) report fulcrum_leader 1`);
    await checkLease(pods);
  }
  await checkPools();
}

main().then(
  () => {
    if (failures.length > 0) {
      console.log(`${failures.length} check(s) failed`);
      process.exit(1);
    }
    console.log('all checks passed');
  },
  (error) => {
    console.log(`FAIL ${error.message}`);
    process.exit(1);
  },
);
