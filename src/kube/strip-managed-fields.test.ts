import { podJson } from '../../bench/scale-objects.js';
import { stripManagedFieldsText } from './strip-managed-fields.js';

/** What JSON.parse then deleting every managedFields member gives: the reference the text cut must match. */
function parsedWithout(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => (key === 'managedFields' ? undefined : value));
}

describe('stripManagedFieldsText', () => {
  test('a list of whole pods parses to the same pods without managedFields', () => {
    const list = `{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"9"},"items":[${[0, 1, 2]
      .map((i) => podJson(i, { nodes: 2, pods: 3 }, 100 + i))
      .join(',')}]}`;
    expect(list).toContain('"managedFields":');
    const cut = stripManagedFieldsText(list);
    expect(cut).not.toContain('"managedFields":');
    expect(JSON.parse(cut)).toEqual(parsedWithout(list));
    expect(cut.length).toBeLessThan(list.length * 0.7);
  });

  test.each([
    ['only member', '{"managedFields":[{"a":"]"}]}'],
    ['first member', '{"managedFields":[{"f:x":{"k:{\\"a\\":1}":{}}}],"name":"p"}'],
    ['last member, spaces', '{"name":"p" , "managedFields" : [] }'.replace('" : [', '":[')],
    ['middle member, newlines', '{"a":1,\n "managedFields":[["x"],{"y":"\\\\"}],\n "b":2}'],
    ['not an array', '{"a":1,"managedFields":null,"b":"c"}'],
    [
      'nested twice',
      '[{"metadata":{"managedFields":[1],"n":"a"}},{"metadata":{"n":"b","managedFields":[2]}}]',
    ],
  ])('%s', (_name, text) => {
    expect(JSON.parse(stripManagedFieldsText(text))).toEqual(parsedWithout(text));
  });

  test('leaves the text alone when the key only appears inside a string value', () => {
    const text = '{"message":"saw \\"managedFields\\": [1]","a\\"managedFields":[1]}';
    expect(stripManagedFieldsText(text)).toBe(text);
    const none = '{"a":1}';
    expect(stripManagedFieldsText(none)).toBe(none);
  });
});
