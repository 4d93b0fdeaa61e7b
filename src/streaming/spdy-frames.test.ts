import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameParser, encodeData, encodeGoAway, encodePing, encodeRstStream, encodeSynReply, encodeWindowUpdate } from './spdy-frames.js';

test('frames split at every byte boundary parse back to what was encoded', () => {
  const wire = Buffer.concat([
    encodeSynReply(1, Buffer.from([1, 2, 3]), false),
    encodeData(3, Buffer.from('hello'), true),
    encodeRstStream(5, 5),
    encodePing(7),
    encodeWindowUpdate(0, 4096),
    encodeGoAway(9, 0),
  ]);
  const parser = new FrameParser();
  const frames = [...wire].flatMap((byte) => parser.push(Buffer.from([byte])));
  assert.deepEqual(frames, [
    { type: 'syn_reply', streamId: 1, flags: 0, headerBlock: Buffer.from([1, 2, 3]) },
    { type: 'data', streamId: 3, flags: 1, data: Buffer.from('hello') },
    { type: 'rst_stream', streamId: 5, status: 5 },
    { type: 'ping', id: 7 },
    { type: 'window_update', streamId: 0, delta: 4096 },
    { type: 'goaway', lastGoodStreamId: 9, status: 0 },
  ]);
});

test('another SPDY version is refused as a BadRequest', () => {
  const v2 = Buffer.from([0x80, 0x02, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1]);
  assert.throws(() => new FrameParser().push(v2), { kind: 'BadRequest' });
});
