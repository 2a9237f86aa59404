import type { CustomAttributeDefinition } from '../../connectors/unified';
import { resolveAttributeKey } from './attribute-key';

const catalog: CustomAttributeDefinition[] = [
  { key: 'dynamic_1', label: 'Alleo', type: 'list', options: ['Yes', 'No'] },
  { key: 'dynamic_2', label: 'Budget', type: 'decimal', options: [] },
];

describe('resolveAttributeKey', () => {
  it('finds an attribute by key, then by label ignoring case and spaces', () => {
    expect(resolveAttributeKey(catalog, 'dynamic_2')).toEqual({ key: 'dynamic_2', listed: true });
    expect(resolveAttributeKey(catalog, ' alleo ')).toEqual({ key: 'dynamic_1', listed: true });
  });

  it('uses an unlisted dynamic key as written, and gives up on an unknown label', () => {
    expect(resolveAttributeKey(catalog, 'dynamic_99')).toEqual({
      key: 'dynamic_99',
      listed: false,
    });
    expect(resolveAttributeKey([], 'Budget')).toBeUndefined();
  });
});
