import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The checkout (or image) root: the nearest folder above this file with a package.json.
 * Code runs from src/ under tests and from dist/src/ when built, so fixed `../..` paths lie.
 */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}
