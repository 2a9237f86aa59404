/**
 * The binary COPY encoder against PostgreSQL itself: every field type the staging table uses,
 * dates and instants of the direct baseline, NULLs, non-ASCII text, a payload larger than the writer's first buffer, and refusals.
 */
import { Client } from 'pg';
import { BinaryCopyWriter, copyBinary } from '../../src/database/binary-copy';
import { createEmptyDatabase, type TestDatabase } from '../support/database';

describe('binary COPY (medium, real PostgreSQL)', () => {
  let database: TestDatabase;
  let db: Client;

  beforeAll(async () => {
    database = await createEmptyDatabase();
    db = new Client({ connectionString: database.url });
    await db.connect();
    await db.query(
      `CREATE TABLE copied (key uuid NOT NULL, label text, doc jsonb, raw json, note text)`,
    );
  });
  afterAll(async () => {
    await db?.end();
    await database?.drop();
  });
  beforeEach(async () => {
    await db.query('TRUNCATE copied');
  });

  interface Copied {
    key: string;
    label: string | null;
    doc: unknown;
    raw_text: string | null;
  }
  const rows = async (): Promise<Copied[]> =>
    (
      await db.query<Copied>(
        `SELECT key::text AS key, label, doc, raw::text AS raw_text FROM copied ORDER BY key`,
      )
    ).rows;

  it('stores uuid, text, jsonb, json and NULL fields exactly', async () => {
    const raw = '{"b": 1, "a": [true, null], "a": "duplicate keys and spacing are kept"}';
    const writer = new BinaryCopyWriter();
    writer
      .row(5)
      .uuid('0f8fad5b-d9cb-469f-a165-70867728950e')
      .text('Zoë – “quoted” \t tab \n newline \\ backslash 🎉')
      .jsonb(JSON.stringify({ nested: { list: [1, 2.5, 'x'] }, empty: {} }))
      .json(raw)
      .null();
    writer.row(5).uuid('7C9E6679-7425-40DE-944B-E07FC1F90AE7').text('plain').null().null().text('');
    expect(writer.rowCount).toBe(2);

    expect(await copyBinary(db, 'copied (key, label, doc, raw, note)', writer.finish())).toBe(2);

    const stored = await rows();
    expect(stored).toEqual([
      {
        key: '0f8fad5b-d9cb-469f-a165-70867728950e',
        label: 'Zoë – “quoted” \t tab \n newline \\ backslash 🎉',
        doc: { nested: { list: [1, 2.5, 'x'] }, empty: {} },
        raw_text: raw,
      },
      { key: '7c9e6679-7425-40de-944b-e07fc1f90ae7', label: 'plain', doc: null, raw_text: null },
    ]);
    const { rows: notes } = await db.query(`SELECT note FROM copied ORDER BY key`);
    expect(notes.map((r: { note: string | null }) => r.note)).toEqual([null, '']);
  });

  it('grows past its first buffer without losing a byte', async () => {
    const writer = new BinaryCopyWriter();
    const big = JSON.stringify({
      text: 'ä'.repeat(50_000),
      list: Array.from({ length: 5_000 }, (_, i) => i),
    });
    for (let i = 0; i < 20; i += 1) {
      writer
        .row(5)
        .uuid(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)
        .text(String(i).padStart(2, '0'))
        .jsonb(big)
        .json(big)
        .null();
    }
    const payload = writer.finish();
    expect(payload.length).toBeGreaterThan(64 * 1024);

    expect(await copyBinary(db, 'copied (key, label, doc, raw, note)', payload)).toBe(20);

    const { rows: check } = await db.query(
      `SELECT count(*)::int AS n, bool_and(raw::text = $1) AS raw_ok, bool_and(doc = $1::jsonb) AS doc_ok
       FROM copied`,
      [big],
    );
    expect(check[0]).toEqual({ n: 20, raw_ok: true, doc_ok: true });
  });

  it('refuses a malformed json field and copies nothing of the payload', async () => {
    const writer = new BinaryCopyWriter();
    writer.row(5).uuid('0f8fad5b-d9cb-469f-a165-70867728950e').text('ok').null().json('{}').null();
    writer
      .row(5)
      .uuid('0f8fad5b-d9cb-469f-a165-70867728950f')
      .text('bad')
      .null()
      .json('{"a":')
      .null();

    await expect(
      copyBinary(db, 'copied (key, label, doc, raw, note)', writer.finish()),
    ).rejects.toThrow(/json/i);
    expect(await rows()).toEqual([]);
    // The client is still usable after the failed COPY.
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('stores dates and instants exactly, before and after the year 2000', async () => {
    await db.query(`CREATE TABLE IF NOT EXISTS dated (day date, at timestamptz(3))`);
    await db.query('TRUNCATE dated');
    const cases: Array<[string, string]> = [
      ['2000-01-01', '2000-01-01T00:00:00.000Z'],
      ['1999-12-31', '1999-12-31T23:59:59.999Z'],
      ['2024-02-29', '2026-12-06T20:31:07.123Z'],
      ['2000-02-29', '2000-03-01T00:00:00.000Z'],
      ['2026-04-30', '2026-04-30T10:00:00.000Z'],
      // A typo in the source, kept as typed: Date.UTC would make these 1920 and 1999.
      ['0020-05-01', '2001-01-01T00:00:00.000Z'],
      ['0099-12-31', '2002-01-01T00:00:00.000Z'],
      ['0001-01-01', '2003-01-01T00:00:00.000Z'],
      ['1970-01-01', '1969-07-20T20:17:40.000Z'],
      ['2199-12-31', '2199-12-31T12:00:00.500Z'],
    ];
    const writer = new BinaryCopyWriter();
    for (const [day, at] of cases) writer.row(2).date(day).timestamptz(new Date(at));
    writer.row(2).null().null();

    expect(await copyBinary(db, 'dated (day, at)', writer.finish())).toBe(cases.length + 1);

    const { rows: stored } = await db.query<{ day: string | null; at: string | null }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day,
              to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
       FROM dated ORDER BY at NULLS LAST`,
    );
    const expected = [...cases]
      .sort((a, b) => a[1].localeCompare(b[1]))
      .map(([day, at]) => ({ day, at }));
    expect(stored).toEqual([...expected, { day: null, at: null }]);
  });

  it('refuses dates that do not exist and invalid instants before anything is sent', () => {
    for (const bad of [
      '2026-02-29',
      '1900-02-29',
      '0000-01-01',
      '2026-02-30',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-01-00',
      '2026-1-01',
      '2026-01-011',
      '2026/01/01',
      '06.12.2026',
      '2026-0a-01',
      '',
    ]) {
      expect(() => new BinaryCopyWriter().row(1).date(bad)).toThrow(TypeError);
    }
    expect(() => new BinaryCopyWriter().row(1).timestamptz(new Date('nope'))).toThrow(TypeError);
  });

  it('refuses a value that is not a UUID before anything is sent', () => {
    expect(() => new BinaryCopyWriter().row(1).uuid('not-a-uuid')).toThrow(TypeError);
    for (const bad of [
      '0f8fad5b-d9cb-469f-a165-70867728950',
      '0f8fad5b-d9cb-469f-a165-70867728950e0',
      '0f8fad5b-d9cb-469f-a165-70867728950g',
      '0f8fad5bxd9cb-469f-a165-70867728950e',
      'zf8fad5b-d9cb-469f-a165-70867728950e',
      '0f8fad5b-d9cb-469f-a1 5-70867728950e',
    ]) {
      expect(() => new BinaryCopyWriter().row(1).uuid(bad)).toThrow(TypeError);
    }
  });
});
