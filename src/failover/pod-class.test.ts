import { classifyPod, type FailoverClassSetting, type PodClassInput } from './pod-class.js';

const cases: Array<[string, PodClassInput, string, string]> = [
  [
    'ReplicaSet pod',
    { setting: 'Auto', ownerKind: 'ReplicaSet', hasPersistentVolumeClaim: false },
    'Replaceable',
    'ReplicaSet',
  ],
  [
    'ReplicationController pod',
    { setting: 'Auto', ownerKind: 'ReplicationController', hasPersistentVolumeClaim: false },
    'Replaceable',
    'ReplicaSet',
  ],
  ['Job pod', { setting: 'Auto', ownerKind: 'Job', hasPersistentVolumeClaim: false }, 'Replaceable', 'Job'],
  [
    'StatefulSet pod',
    { setting: 'Auto', ownerKind: 'StatefulSet', hasPersistentVolumeClaim: false },
    'AtMostOnce',
    'StatefulSet',
  ],
  [
    'StatefulSet pod with a PVC',
    { setting: 'Auto', ownerKind: 'StatefulSet', hasPersistentVolumeClaim: true },
    'AtMostOnce',
    'StatefulSet',
  ],
  [
    'ReplicaSet pod with a PVC',
    { setting: 'Auto', ownerKind: 'ReplicaSet', hasPersistentVolumeClaim: true },
    'AtMostOnce',
    'PersistentVolumeClaim',
  ],
  [
    'Job pod with a PVC',
    { setting: 'Auto', ownerKind: 'Job', hasPersistentVolumeClaim: true },
    'AtMostOnce',
    'PersistentVolumeClaim',
  ],
  [
    'bare pod',
    { setting: 'Auto', ownerKind: undefined, hasPersistentVolumeClaim: false },
    'AtMostOnce',
    'NoController',
  ],
  [
    'pod of a custom controller',
    { setting: 'Auto', ownerKind: 'PostgresCluster', hasPersistentVolumeClaim: false },
    'AtMostOnce',
    'UnknownController',
  ],
  [
    'StatefulSet pod the policy calls Replaceable',
    { setting: 'Replaceable', ownerKind: 'StatefulSet', hasPersistentVolumeClaim: true },
    'Replaceable',
    'Policy',
  ],
  [
    'ReplicaSet pod the policy calls AtMostOnce',
    { setting: 'AtMostOnce', ownerKind: 'ReplicaSet', hasPersistentVolumeClaim: false },
    'AtMostOnce',
    'Policy',
  ],
];

describe('classifyPod', () => {
  test.each(cases)('%s', (_name, input, wantClass, wantReason) => {
    expect(classifyPod(input)).toEqual({ class: wantClass, reason: wantReason });
  });

  test('a policy setting other than Auto always wins', () => {
    for (const setting of ['Replaceable', 'AtMostOnce'] as FailoverClassSetting[])
      for (const ownerKind of [undefined, 'ReplicaSet', 'StatefulSet', 'Job', 'X'])
        for (const hasPersistentVolumeClaim of [false, true])
          expect(classifyPod({ setting, ownerKind, hasPersistentVolumeClaim }).class).toBe(setting);
  });

  test('under Auto, only ReplicaSet, ReplicationController and Job pods without a PVC are Replaceable', () => {
    for (const ownerKind of [
      undefined,
      'ReplicaSet',
      'ReplicationController',
      'StatefulSet',
      'Job',
      'DaemonSet',
      'X',
    ])
      for (const hasPersistentVolumeClaim of [false, true]) {
        const replaceable =
          !hasPersistentVolumeClaim &&
          ['ReplicaSet', 'ReplicationController', 'Job'].includes(ownerKind ?? '');
        expect(classifyPod({ setting: 'Auto', ownerKind, hasPersistentVolumeClaim }).class).toBe(
          replaceable ? 'Replaceable' : 'AtMostOnce',
        );
      }
  });
});
