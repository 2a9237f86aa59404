/**
 * docs/scenarios.md shows the very bodies the scenario tests send: every JSON block there is
 * marked with the recipe value it shows (`<!-- recipe: expense.application -->`) and must equal
 * it, and every recipe value is shown once. Editing one without the other fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCUMENTED } from './recipes';

const DOC = join(__dirname, '..', '..', '..', 'docs', 'scenarios.md');

interface JsonBlock {
  marker: string | null;
  text: string;
  line: number;
}

/** Every ```json block with the recipe marker right above it (blank lines allowed). */
function jsonBlocks(markdown: string): JsonBlock[] {
  const lines = markdown.split('\n');
  const blocks: JsonBlock[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    if (lines[i]!.trim() !== '```json') continue;
    let j = i - 1;
    while (j >= 0 && lines[j]!.trim() === '') j -= 1;
    const marker = /^<!-- recipe: (\S+) -->$/.exec(lines[j]?.trim() ?? '')?.[1] ?? null;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`unclosed json block at line ${i + 1}`);
    blocks.push({ marker, text: lines.slice(i + 1, end).join('\n'), line: i + 1 });
    i = end;
  }
  return blocks;
}

describe('docs/scenarios.md', () => {
  const blocks = jsonBlocks(readFileSync(DOC, 'utf8'));

  it('marks every JSON block with the recipe it shows', () => {
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.filter((b) => b.marker === null).map((b) => b.line)).toEqual([]);
  });

  it('shows each recipe value exactly once', () => {
    expect(blocks.map((b) => b.marker).sort()).toEqual(Object.keys(DOCUMENTED).sort());
  });

  it.each(Object.keys(DOCUMENTED))('shows %s exactly as the tests send it', (name) => {
    const block = blocks.find((b) => b.marker === name);
    expect(block).toBeDefined();
    expect(JSON.parse(block!.text)).toEqual(DOCUMENTED[name]);
  });
});
