import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRecord, readLog, rfc3339ToSeconds } from './cri-log.js';

test('parses full and partial records; keeps nanoseconds', () => {
  const r = parseRecord('2026-11-25T16:16:08.596260764+00:00 stdout F out')!;
  assert.equal(r.stream, 'stdout');
  assert.equal(r.data.toString(), 'out\n');
  assert.equal(r.full, true);
  const p = parseRecord('2026-11-25T16:16:08.5Z stderr P part')!;
  assert.equal(p.data.toString(), 'part');
  assert.equal(p.full, false);
  assert.equal(parseRecord('2026-11-25T16:16:08Z stdout F ')!.data.toString(), '\n');
  assert.equal(parseRecord('garbage'), undefined);
  assert.equal(rfc3339ToSeconds('1970-01-01T00:00:01.000000001Z'), 1.000000001);
});

test('tail counts lines, since filters, follow ends once done resolves', async () => {
  const dir = mkdtempSync('/tmp/bosun-test-');
  const log = join(dir, 'log');
  try {
    writeFileSync(log, [
      '1970-01-01T00:00:01Z stdout F one',
      '1970-01-01T00:00:02Z stdout P tw',
      '1970-01-01T00:00:02Z stdout F o',
      '1970-01-01T00:00:03Z stderr F three',
      '',
    ].join('\n'));
    const all = async (opts: Parameters<typeof readLog>[1]) => {
      let s = '';
      for await (const r of readLog(log, opts)) s += `${r.stream[3]}:${r.data}`;
      return s;
    };
    // "tw" + "o\n" are one line split by conmon (P then F)
    assert.equal(await all({ follow: false }), 'o:one\no:two:o\ne:three\n');
    assert.equal(await all({ follow: false, tail: 2 }), 'o:two:o\ne:three\n');
    assert.equal(await all({ follow: false, since: 3 }), 'e:three\n');
    let finish!: () => void;
    const done = new Promise<void>((r) => { finish = r; });
    const followed = all({ follow: true, fromOffset: 0, tail: 0, done });
    appendFileSync(log, '1970-01-01T00:00:04Z stdout F four\n');
    setTimeout(finish, 50);
    assert.equal(await followed, 'o:four\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
