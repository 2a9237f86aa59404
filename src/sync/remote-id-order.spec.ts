import { compareRemoteIds } from './remote-id-order';

describe('compareRemoteIds', () => {
  it('orders integer ids numerically and equal lengths by code unit', () => {
    expect(['10', '9', '100', '2', 'b', 'a'].sort(compareRemoteIds)).toEqual([
      '2',
      '9',
      'a',
      'b',
      '10',
      '100',
    ]);
  });

  it('is a total order: equal only for the same id', () => {
    expect(compareRemoteIds('42', '42')).toBe(0);
    expect(Math.sign(compareRemoteIds('41', '42'))).toBe(-Math.sign(compareRemoteIds('42', '41')));
  });
});
