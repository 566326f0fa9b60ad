/**
 * The objects the `scale` benchmark's API server serves, as the real API server serves them: whole Pods and
 * Nodes with managedFields, the service-account volume, container statuses and condition timestamps (a
 * Running Deployment replica bound to a kwok node), written as JSON text directly so that the server can
 * produce 150,000 of them without becoming the bottleneck it measures.
 *
 * Workload shape: pods belong to Deployments of 50 replicas (labels, owner and template shared within one),
 * spread over 100 namespaces; pod i runs on node i mod N.
 */

export interface ClusterShape {
  nodes: number;
  pods: number;
}

const REPLICAS = 50;
const NAMESPACES = 100;
const CREATED = '2026-12-05T08:00:00Z';

function hex(n: number, width: number): string {
  return (n >>> 0).toString(16).padStart(width, '0').slice(-width);
}

function uid(kind: number, n: number): string {
  return `${hex(kind, 8)}-${hex(n >>> 16, 4)}-4${hex(n, 3)}-8${hex(n * 7, 3)}-${hex(n * 2654435761, 12)}`;
}

export function nodeName(i: number): string {
  return `node-${i}`;
}

/** Name, namespace and workload of pod `i` (a pod created after the list has a fresh index). */
export function podIdentity(i: number): { name: string; namespace: string; deployment: number } {
  const deployment = Math.floor(i / REPLICAS);
  const namespace = `team-${deployment % NAMESPACES}`;
  return { name: `app-${deployment}-7d9f8b6c5-${hex(i * 40503, 5)}`, namespace, deployment };
}

/** Pod `i` as JSON, at resourceVersion `rv`; `restarts` varies its status between updates. */
export function podJson(i: number, shape: ClusterShape, rv: number, restarts = 0): string {
  const { name, namespace, deployment } = podIdentity(i);
  const rs = `app-${deployment}-7d9f8b6c5`;
  const node = nodeName(i % shape.nodes);
  const ip = `127.64.${(i >> 8) & 255}.${i & 255}`;
  const cpu = ['100m', '250m', '500m'][deployment % 3];
  const memory = ['128Mi', '256Mi', '512Mi'][deployment % 3];
  const t = `"${CREATED}"`;
  return `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"${name}","generateName":"${rs}-","namespace":"${namespace}","uid":"${uid(1, i)}","resourceVersion":"${rv}","creationTimestamp":${t},"labels":{"app":"app-${deployment}","pod-template-hash":"7d9f8b6c5","team":"team-${deployment % NAMESPACES}"},"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-12-01T10:00:00Z","prometheus.io/scrape":"true","prometheus.io/port":"9090"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"${rs}","uid":"${uid(2, deployment)}","controller":true,"blockOwnerDeletion":true}],"managedFields":[{"manager":"kube-controller-manager","operation":"Update","apiVersion":"v1","time":${t},"fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/restartedAt":{},"f:prometheus.io/port":{},"f:prometheus.io/scrape":{}},"f:generateName":{},"f:labels":{".":{},"f:app":{},"f:pod-template-hash":{},"f:team":{}},"f:ownerReferences":{".":{},"k:{\\"uid\\":\\"${uid(2, deployment)}\\"}":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"app\\"}":{".":{},"f:env":{".":{},"k:{\\"name\\":\\"MODE\\"}":{".":{},"f:name":{},"f:value":{}}},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:ports":{".":{},"k:{\\"containerPort\\":8080,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{},"f:name":{},"f:protocol":{}}},"f:resources":{".":{},"f:limits":{".":{},"f:memory":{}},"f:requests":{".":{},"f:cpu":{},"f:memory":{}}},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}},{"manager":"kwok","operation":"Update","apiVersion":"v1","time":${t},"fieldsType":"FieldsV1","fieldsV1":{"f:status":{"f:conditions":{"k:{\\"type\\":\\"ContainersReady\\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}},"k:{\\"type\\":\\"Initialized\\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}},"k:{\\"type\\":\\"Ready\\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}}},"f:containerStatuses":{},"f:hostIP":{},"f:hostIPs":{},"f:phase":{},"f:podIP":{},"f:podIPs":{".":{},"k:{\\"ip\\":\\"${ip}\\"}":{".":{},"f:ip":{}}},"f:startTime":{}}},"subresource":"status"}]},"spec":{"volumes":[{"name":"kube-api-access-${hex(i, 5)}","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},{"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}},{"downwardAPI":{"items":[{"path":"namespace","fieldRef":{"apiVersion":"v1","fieldPath":"metadata.namespace"}}]}}],"defaultMode":420}}],"containers":[{"name":"app","image":"registry.example.com/team-${deployment % NAMESPACES}/app-${deployment}:1.4.2","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],"env":[{"name":"MODE","value":"production"}],"resources":{"limits":{"memory":"${memory}"},"requests":{"cpu":"${cpu}","memory":"${memory}"}},"volumeMounts":[{"name":"kube-api-access-${hex(i, 5)}","readOnly":true,"mountPath":"/var/run/secrets/kubernetes.io/serviceaccount"}],"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","serviceAccountName":"default","serviceAccount":"default","nodeName":"${node}","securityContext":{},"schedulerName":"default-scheduler","tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],"priority":0,"enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority"},"status":{"phase":"Running","conditions":[{"type":"Initialized","status":"True","lastProbeTime":null,"lastTransitionTime":${t}},{"type":"Ready","status":"True","lastProbeTime":null,"lastTransitionTime":${t}},{"type":"ContainersReady","status":"True","lastProbeTime":null,"lastTransitionTime":${t}},{"type":"PodScheduled","status":"True","lastProbeTime":null,"lastTransitionTime":${t}}],"hostIP":"127.0.1.1","hostIPs":[{"ip":"127.0.1.1"}],"podIP":"${ip}","podIPs":[{"ip":"${ip}"}],"startTime":${t},"containerStatuses":[{"name":"app","state":{"running":{"startedAt":${t}}},"lastState":{},"ready":true,"restartCount":${restarts},"image":"registry.example.com/team-${deployment % NAMESPACES}/app-${deployment}:1.4.2","imageID":"","started":true}],"qosClass":"Burstable"}}`;
}

/** Node `i` as JSON (a kwok node: no images; kubelets add a few KB of them). */
export function nodeJson(i: number, rv: number, heartbeat = CREATED): string {
  const name = nodeName(i);
  const t = `"${CREATED}"`;
  const h = `"${heartbeat}"`;
  const condition = (type: string, status: string, reason: string, message: string) =>
    `{"type":"${type}","status":"${status}","lastHeartbeatTime":${h},"lastTransitionTime":${t},"reason":"${reason}","message":"${message}"}`;
  return `{"kind":"Node","apiVersion":"v1","metadata":{"name":"${name}","uid":"${uid(3, i)}","resourceVersion":"${rv}","creationTimestamp":${t},"labels":{"beta.kubernetes.io/arch":"amd64","beta.kubernetes.io/os":"linux","kubernetes.io/arch":"amd64","kubernetes.io/hostname":"${name}","kubernetes.io/os":"linux","node-role.kubernetes.io/agent":"","type":"kwok","topology.kubernetes.io/zone":"zone-${i % 3}"},"annotations":{"kwok.x-k8s.io/node":"fake","node.alpha.kubernetes.io/ttl":"0"},"managedFields":[{"manager":"kwok","operation":"Update","apiVersion":"v1","time":${t},"fieldsType":"FieldsV1","fieldsV1":{"f:status":{"f:allocatable":{},"f:capacity":{},"f:conditions":{},"f:daemonEndpoints":{},"f:nodeInfo":{}}},"subresource":"status"}]},"spec":{"taints":[]},"status":{"capacity":{"cpu":"32","ephemeral-storage":"100Gi","memory":"128Gi","pods":"110"},"allocatable":{"cpu":"32","ephemeral-storage":"100Gi","memory":"128Gi","pods":"110"},"conditions":[${condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')},${condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available')},${condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure')},${condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available')},${condition('NetworkUnavailable', 'False', 'RouteCreated', 'RouteController created a route')}],"addresses":[{"type":"InternalIP","address":"127.1.${(i >> 8) & 255}.${i & 255}"},{"type":"Hostname","address":"${name}"}],"daemonEndpoints":{"kubeletEndpoint":{"Port":10250}},"nodeInfo":{"machineID":"","systemUUID":"","bootID":"","kernelVersion":"","osImage":"","containerRuntimeVersion":"","kubeletVersion":"fake","kubeProxyVersion":"fake","operatingSystem":"linux","architecture":"amd64"}}}`;
}

/** The node heartbeat Lease of node `i`. */
export function leaseJson(i: number, rv: number): string {
  const name = nodeName(i);
  return `{"kind":"Lease","apiVersion":"coordination.k8s.io/v1","metadata":{"name":"${name}","namespace":"kube-node-lease","uid":"${uid(4, i)}","resourceVersion":"${rv}","creationTimestamp":"${CREATED}","ownerReferences":[{"apiVersion":"v1","kind":"Node","name":"${name}","uid":"${uid(3, i)}"}]},"spec":{"holderIdentity":"${name}","leaseDurationSeconds":40,"renewTime":"2026-12-05T08:00:00.000000Z"}}`;
}

/** One ResourcePool over every node, as the measurement had. */
export function poolJson(rv: number): string {
  return `{"apiVersion":"fulcrum.io/v1alpha1","kind":"ResourcePool","metadata":{"name":"everything","uid":"${uid(5, 0)}","resourceVersion":"${rv}","generation":1,"creationTimestamp":"${CREATED}"},"spec":{"nodeSelector":{"matchLabels":{"type":"kwok"}},"rebalancing":{"mode":"DryRun"},"failover":{"mode":"Off"}}}`;
}
