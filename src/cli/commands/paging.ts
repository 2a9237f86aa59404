/** The `--limit`/`--cursor` options every list command shares, and the hint for the next page. */
import { type OptionSpecs, type ParsedInput } from '../command';
import { type Output } from '../output';

export const PAGE_OPTIONS: OptionSpecs = {
  limit: { type: 'string', value: '<n>', description: 'Page size, 1-500 (default 100)' },
  cursor: {
    type: 'string',
    value: '<cursor>',
    description: 'Page to start from (from a previous list)',
  },
};

export function pageQuery(input: ParsedInput): Record<string, string | number | undefined> {
  return { limit: input.integer('limit', { min: 1, max: 500 }), cursor: input.string('cursor') };
}

export function nextPageHint(output: Output, nextCursor: string | null): void {
  if (nextCursor && !output.json) output.note(`More on the next page: --cursor ${nextCursor}`);
}
