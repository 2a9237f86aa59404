/**
 * Owns deterministic randomness: a small seeded generator (sfc32) and the helpers the company
 * generator needs. Never touches Math.random, so a seed always yields the same company.
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 spreads small seeds (0, 1, 2 ...) into well-mixed state words.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }

  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** An item chosen with probability proportional to its weight (one draw, like `pick`). */
  weighted<T>(items: readonly T[], weight: (item: T) => number): T {
    const total = items.reduce((sum, item) => sum + weight(item), 0);
    let draw = this.next() * total;
    for (const item of items) {
      draw -= weight(item);
      if (draw < 0) return item;
    }
    const last = items[items.length - 1];
    if (last === undefined) throw new Error('pick from an empty list');
    return last;
  }

  /** A random version-4 UUID string built from this generator. */
  uuid(): string {
    const w = (): string => {
      const n = (this.next() * 4294967296) >>> 0;
      return (
        (HEX[n >>> 24] as string) +
        (HEX[(n >>> 16) & 255] as string) +
        (HEX[(n >>> 8) & 255] as string) +
        (HEX[n & 255] as string)
      );
    };
    const a = w();
    const b = w();
    const c = w();
    const d = w();
    const variant = '89ab'[c.charCodeAt(0) & 3] as string;
    // join() allocates one flat string; a template literal would keep a rope of nine pieces.
    return [
      a,
      b.slice(0, 4),
      `4${b.slice(5, 8)}`,
      `${variant}${c.slice(1, 4)}`,
      `${c.slice(4, 8)}${d}`,
    ].join('-');
  }
}
