import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { OciImageStore } from './oci-store.js';
import { MEDIA } from './media.js';
import { collect, readTar, writeTar, type TarHeader, type TarInput } from './tar.js';
import { EngineEvents, type EngineEvent } from '../events.js';
import { BosunError } from '../../errors/index.js';

function tmpDir(): string {
  return fs.mkdtempSync('/tmp/bosun-test-');
}

function open(dir: string, events = new EngineEvents()): OciImageStore {
  return OciImageStore.open(join(dir, 'images'), join(dir, 'snapshots'), events);
}

function kind(k: string) {
  return (err: unknown) => err instanceof BosunError && err.kind === k;
}

function f(name: string, content: string, extra: Partial<TarHeader> = {}): TarInput {
  const body = Buffer.from(content);
  return { header: { name, type: 'file', mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: 1_600_000_000, ...extra }, body };
}

async function tarOf(entries: TarInput[]): Promise<Buffer> {
  return collect(writeTar(entries));
}

function sha(b: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(b).digest('hex');
}

function blobCount(dir: string): number {
  return fs.readdirSync(join(dir, 'images/blobs/sha256')).length;
}

/** Mounts the overlay prepareRootfs returned, runs fn, always unmounts. */
async function withMounted(store: OciImageStore, key: string, imageId: string, dir: string, fn: (mnt: string) => void | Promise<void>): Promise<void> {
  const [m] = await store.prepareRootfs(key, imageId);
  const mnt = join(dir, `mnt-${key}`);
  fs.mkdirSync(mnt);
  execFileSync('mount', ['-t', m.type, m.source, '-o', m.options.join(','), mnt]);
  try {
    await fn(mnt);
  } finally {
    execFileSync('umount', [mnt]);
    fs.rmdirSync(mnt);
  }
}

function record(events: EngineEvents): { seen: EngineEvent[]; stop: () => void } {
  const seen: EngineEvent[] = [];
  const ac = new AbortController();
  (async () => { for await (const ev of events.subscribe({}, ac.signal)) seen.push(ev); })();
  return { seen, stop: () => ac.abort() };
}

test('busybox builds with a stable ID in two separate stores and runs when mounted', async () => {
  const a = tmpDir();
  const b = tmpDir();
  try {
    const s1 = open(a);
    const img1 = await s1.ensureBusybox();
    const img2 = await open(b).ensureBusybox();
    assert.equal(img1.id, img2.id);
    assert.match(img1.id, /^sha256:[a-f0-9]{64}$/);
    assert.deepEqual(img1.repoTags, ['busybox:latest']);
    assert.deepEqual(img1.config.Cmd, ['sh']);
    assert.deepEqual(img1.config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
    assert.ok(img1.size > 1_000_000);
    assert.equal(await s1.layersSize(), img1.size);
    // Reopening finds it instead of rebuilding.
    assert.equal((await open(a).ensureBusybox()).manifestDigest, img1.manifestDigest);
    assert.equal(JSON.parse(fs.readFileSync(join(a, 'images/oci-layout'), 'utf8')).imageLayoutVersion, '1.0.0');
    // The store itself is an OCI layout other tools read.
    const raw = JSON.parse(execFileSync('skopeo', ['inspect', '--raw', `oci:${join(a, 'images')}:latest`], { encoding: 'utf8' }));
    assert.equal(raw.config.digest, img1.id);

    await withMounted(s1, 'c1', img1.id, a, (mnt) => {
      execFileSync('chroot', [mnt, '/bin/true']);
      assert.equal(execFileSync('chroot', [mnt, '/bin/sh', '-c', 'echo hi > /tmp/x; id -un; cat /tmp/x'], { encoding: 'utf8' }), 'root\nhi\n');
      assert.equal((fs.statSync(join(mnt, 'tmp')).mode & 0o7777), 0o1777);
    });
    assert.ok((await s1.rootfsUsage('c1')) >= 3);
    assert.deepEqual([...(await s1.inUse())], [img1.id]);
    // A restarted store still knows the rootfs and what it uses.
    const again = open(a);
    assert.deepEqual([...(await again.inUse())], [img1.id]);
    assert.equal((await again.rootfsMounts('c1'))[0].options[0], (await s1.rootfsMounts('c1'))[0].options[0]);
    await assert.rejects(s1.remove('busybox'), kind('Conflict'));
    await assert.rejects(s1.prepareRootfs('../x', img1.id), kind('BadRequest'));
    await s1.removeRootfs('c1');
    assert.equal((await s1.inUse()).size, 0);
    // Second store untouched by anything done to the first.
    assert.deepEqual((await open(b).list()).map((i) => i.id), [img1.id]);
    assert.equal((await open(b).inUse()).size, 0);
  } finally {
    fs.rmSync(a, { recursive: true, force: true });
    fs.rmSync(b, { recursive: true, force: true });
  }
});

test('import applies changes, accepts gzip, tags, emits an event, and rolls back on bad input', async () => {
  const dir = tmpDir();
  const events = new EngineEvents();
  const seen: EngineEvent[] = [];
  const ac = new AbortController();
  (async () => { for await (const ev of events.subscribe({}, ac.signal)) seen.push(ev); })();
  try {
    const store = open(dir, events);
    const tar = await tarOf([f('hello.txt', 'hi'), f('bin/run', '#!/bin/sh\n', { mode: 0o755 })]);
    const img = await store.importTar(Readable.from([gzipSync(tar)]), {
      ref: 'myimg:1',
      message: 'made by a test',
      changes: ['ENV PATH=/usr/bin:/bin', 'CMD ["sh"]', 'WORKDIR /app', 'ENTRYPOINT ["/bin/run"]', 'EXPOSE 80 53/udp',
        'LABEL a=b "c d"=e', 'USER nobody', 'VOLUME /data'],
    });
    assert.deepEqual(img.repoTags, ['myimg:1']);
    assert.deepEqual(img.config, {
      Env: ['PATH=/usr/bin:/bin'], Cmd: ['sh'], WorkingDir: '/app', Entrypoint: ['/bin/run'],
      ExposedPorts: { '80/tcp': {}, '53/udp': {} }, Labels: { a: 'b', 'c d': 'e' }, User: 'nobody', Volumes: { '/data': {} },
    });
    assert.equal(img.comment, 'made by a test');
    assert.equal(img.diffIds[0], sha(tar), 'the diff ID is the digest of the uncompressed tar');
    assert.equal(img.size, tar.length);
    assert.equal((await store.get('docker.io/library/myimg:1')).id, img.id);
    assert.equal((await store.get(img.id.slice(7, 19))).id, img.id);
    assert.equal((await store.get(img.id)).id, img.id);
    assert.equal((await store.get(`myimg@${img.manifestDigest}`)).id, img.id);
    await assert.rejects(store.get('myimg'), (e: unknown) => e instanceof BosunError && e.kind === 'NotFound' && e.message === 'No such image: myimg:latest');
    await assert.rejects(store.get('Bad:Ref!'), kind('BadRequest'));

    const blobs = blobCount(dir);
    await assert.rejects(store.importTar(Readable.from([tar]), { ref: 'x', changes: ['RUN rm -rf /'] }), kind('BadRequest'));
    await assert.rejects(store.importTar(Readable.from([Buffer.from('not a tar at all, definitely not')]), { ref: 'y' }), kind('BadRequest'));
    await assert.rejects(store.importTar(Readable.from([tar]), { ref: 'UPPER' }), kind('BadRequest'));
    assert.equal(blobCount(dir), blobs);
    assert.deepEqual(fs.readdirSync(join(dir, 'snapshots/tmp')), []);
    assert.deepEqual(fs.readdirSync(join(dir, 'images/ingest')), []);
    assert.equal((await store.list()).length, 1);
    await new Promise((r) => setImmediate(r));
    assert.ok(seen.some((e) => e.Type === 'image' && e.Action === 'import' && e.Actor.ID === img.id && e.Actor.Attributes.name === 'myimg:1'));
  } finally {
    ac.abort();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('save then load into another store gives the same image, and other tools can read the archive', async () => {
  const a = tmpDir();
  const b = tmpDir();
  const events = new EngineEvents();
  const rec = record(events);
  try {
    const s1 = open(a, events);
    const bb = await s1.ensureBusybox();
    const imp = await s1.importTar(Readable.from([await tarOf([f('x', 'y')])]), { ref: 'localhost:5000/app:v1' });
    await s1.tag('localhost:5000/app:v1', 'other:2');
    const archive = await collect(await s1.save(['busybox', 'localhost:5000/app:v1', 'other:2']));
    const names: string[] = [];
    for await (const e of readTar([archive])) names.push(e.header.name);
    for (const n of ['index.json', 'manifest.json', 'oci-layout', 'repositories', `blobs/sha256/${bb.manifestDigest.slice(7)}`]) assert.ok(names.includes(n), n);

    const s2 = open(b, events);
    const loaded = await s2.load(Readable.from([archive]));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(rec.seen.filter((e) => e.Actor.ID === bb.id).map((e) => `${e.Action} ${e.Actor.Attributes.name}`), ['save busybox:latest', 'load busybox:latest']);
    assert.deepEqual(loaded.sort(), ['busybox:latest', 'localhost:5000/app:v1', 'other:2']);
    const got = await s2.get('busybox');
    assert.equal(got.id, bb.id);
    assert.equal(got.manifestDigest, bb.manifestDigest);
    assert.deepEqual((await s2.get('other:2')).repoTags.sort(), ['localhost:5000/app:v1', 'other:2']);
    assert.equal((await s2.get('other:2')).id, imp.id);
    await withMounted(s2, 'k', got.id, b, (mnt) => { execFileSync('chroot', [mnt, '/bin/true']); });
    await s2.removeRootfs('k');

    // Saved by ID: loads untagged, reported by ID.
    const byId = await collect(await s1.save([imp.id]));
    const b2 = tmpDir();
    try {
      assert.deepEqual(await open(b2).load(Readable.from([gzipSync(byId)])), [imp.id]);
      assert.deepEqual((await open(b2).get(imp.id)).repoTags, []);
    } finally {
      fs.rmSync(b2, { recursive: true, force: true });
    }

    // skopeo reads both views of the same archive.
    const file = join(a, 'save.tar');
    fs.writeFileSync(file, archive);
    const viaDocker = JSON.parse(execFileSync('skopeo', ['inspect', '--raw', '--config', `docker-archive:${file}:busybox:latest`], { encoding: 'utf8' }));
    assert.deepEqual(viaDocker.rootfs.diff_ids, bb.diffIds);
    const viaOci = JSON.parse(execFileSync('skopeo', ['inspect', '--raw', `oci-archive:${file}:latest`], { encoding: 'utf8' }));
    assert.equal(viaOci.config.digest, bb.id);
    rec.stop();
    // And an OCI archive written by skopeo (gzip layers, its own re-serialised config) loads.
    const foreign = join(a, 'skopeo-oci.tar');
    execFileSync('skopeo', ['copy', '-q', '--dest-compress', `docker-archive:${file}:busybox:latest`, `oci-archive:${foreign}:busybox:v9`]);
    const b3 = tmpDir();
    try {
      const s3 = open(b3);
      assert.deepEqual(await s3.load(fs.createReadStream(foreign)), ['busybox:v9']);
      assert.deepEqual((await s3.get('busybox:v9')).diffIds, bb.diffIds);
      assert.deepEqual((await s3.get('busybox:v9')).config, bb.config);
    } finally {
      fs.rmSync(b3, { recursive: true, force: true });
    }
  } finally {
    rec.stop();
    fs.rmSync(a, { recursive: true, force: true });
    fs.rmSync(b, { recursive: true, force: true });
  }
});

test('loads a hand-made OCI layout tarball with a gzip layer behind an image index', async () => {
  const dir = tmpDir();
  try {
    const layerTar = await tarOf([f('etc/hand-made', 'yes'), f('.wh.nothing', '')]);
    const layer = gzipSync(layerTar);
    const config = Buffer.from(JSON.stringify({
      architecture: 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z',
      config: { Cmd: ['/bin/sh'] }, rootfs: { type: 'layers', diff_ids: [sha(layerTar)] },
    }));
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: MEDIA.ociManifest,
      config: { mediaType: MEDIA.ociConfig, digest: sha(config), size: config.length },
      layers: [{ mediaType: MEDIA.ociLayerGzip, digest: sha(layer), size: layer.length }],
    }));
    const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
    const nested = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: MEDIA.ociIndex,
      manifests: [
        { mediaType: MEDIA.ociManifest, digest: sha('elsewhere'), size: 9, platform: { os: 'linux', architecture: 's390x' } },
        { mediaType: MEDIA.ociManifest, digest: sha(manifest), size: manifest.length, platform: { os: 'linux', architecture: arch } },
      ],
    }));
    const index = { schemaVersion: 2, manifests: [{ mediaType: MEDIA.ociIndex, digest: sha(nested), size: nested.length, annotations: { 'org.opencontainers.image.ref.name': 'example.com/hand:1' } }] };
    const blob = (b: Buffer): TarInput => f(`blobs/sha256/${sha(b).slice(7)}`, b.toString('latin1'));
    const entries: TarInput[] = [
      f('oci-layout', '{"imageLayoutVersion":"1.0.0"}'), f('index.json', JSON.stringify(index)),
      { header: { ...blob(layer).header, size: layer.length }, body: layer }, blob(config), blob(manifest), blob(nested),
    ];
    const store = open(dir);
    assert.deepEqual(await store.load(Readable.from([await tarOf(entries)])), ['example.com/hand:1']);
    const img = await store.get('example.com/hand:1');
    assert.equal(img.id, sha(config));
    assert.equal(img.manifestDigest, sha(manifest));
    assert.ok(!store.hasBlob(sha(nested)), 'the image index is not kept');
    const [m] = await store.prepareRootfs('h', img.id);
    const lower = m.options[0].slice('lowerdir='.length);
    assert.equal(fs.readFileSync(join(lower, 'etc/hand-made'), 'utf8'), 'yes');
    await store.removeRootfs('h');

    // A tampered blob is refused and leaves nothing behind.
    const bad = entries.map((e) => (e.header.name.endsWith(sha(config).slice(7)) ? f(e.header.name, '{"tampered":true}') : e));
    const before = blobCount(dir);
    await assert.rejects(store.load(Readable.from([await tarOf(bad)])), kind('BadRequest'));
    await assert.rejects(store.load(Readable.from([Buffer.from('garbage'.repeat(100))])), kind('BadRequest'));
    // A docker-archive whose layer does not match its diff ID fails after its blobs were stored: none are kept.
    const wrongLayer = await tarOf([f('something', 'else')]);
    const other = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(layerTar)] } }));
    const legacy = [f('manifest.json', JSON.stringify([{ Config: 'c.json', RepoTags: ['ok:1'], Layers: ['l/layer.tar'] }])),
      f('c.json', other.toString()), { header: { ...f('l/layer.tar', '').header, size: wrongLayer.length }, body: wrongLayer }];
    await assert.rejects(store.load(Readable.from([await tarOf(legacy)])), kind('BadRequest'));
    assert.equal(blobCount(dir), before);
    assert.deepEqual(fs.readdirSync(join(dir, 'images/ingest')), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('tag, untag, remove and prune follow Docker', async () => {
  const dir = tmpDir();
  const events = new EngineEvents();
  const rec = record(events);
  try {
    const store = open(dir, events);
    const bb = await store.ensureBusybox();
    const mk = async (content: string, ref?: string) => store.importTar(Readable.from([await tarOf([f('c', content)])]), { ref });
    const one = await mk('one', 'one:1');
    await store.tag('one:1', 'alias:x');
    await store.tag(one.id, 'one:2');
    assert.deepEqual((await store.get('one:1')).repoTags.sort(), ['alias:x', 'one:1', 'one:2']);
    await assert.rejects(store.tag('one:1', `one@sha256:${'a'.repeat(64)}`), kind('BadRequest'));
    await assert.rejects(store.tag('nope', 'x'), kind('NotFound'));

    await assert.rejects(store.remove(one.id), (e: unknown) => e instanceof BosunError && e.kind === 'Conflict' && /multiple repositories/.test(e.message));
    assert.deepEqual(await store.remove('alias:x'), [{ Untagged: 'alias:x' }]);
    assert.deepEqual(await store.remove('one:2'), [{ Untagged: 'one:2' }]);
    assert.deepEqual(await store.remove('one:1'), [{ Untagged: 'one:1' }, { Deleted: one.id }]);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(rec.seen.filter((e) => e.Actor.ID === one.id).map((e) => `${e.Action} ${e.Actor.Attributes.name ?? ''}`), [
      'import one:1', 'tag alias:x', 'tag one:2', 'untag alias:x', 'untag one:2', 'untag one:1', `delete ${one.id}`,
    ]);
    await assert.rejects(store.get(one.id), kind('NotFound'));
    assert.ok(!fs.existsSync(join(dir, 'images/blobs/sha256', one.id.slice(7))));
    assert.ok(!fs.existsSync(join(dir, 'snapshots/layers', one.diffIds[0].slice(7))));

    // Moving a tag leaves the old image dangling; prune removes dangling only.
    const old = await mk('old', 'app:latest');
    const cur = await mk('new', 'app:latest');
    assert.deepEqual((await store.get(old.id)).repoTags, []);
    assert.deepEqual((await store.get('app')).id, cur.id);
    const pruned = await store.prune();
    assert.deepEqual(pruned.deleted, [{ Deleted: old.id }]);
    assert.ok(pruned.spaceReclaimed > 0);
    assert.deepEqual((await store.list()).map((i) => i.id).sort(), [bb.id, cur.id].sort());

    // In use: refused without force; forced removal untags but keeps the content.
    await store.prepareRootfs('ctr', cur.id);
    await assert.rejects(store.remove('app'), kind('Conflict'));
    await assert.rejects(store.remove(cur.id), kind('Conflict'));
    assert.deepEqual(await store.remove('app', { force: true }), [{ Untagged: 'app:latest' }]);
    assert.deepEqual((await store.get(cur.id)).repoTags, []);
    assert.equal((await store.prune({ all: true, isUsed: (id) => id === bb.id })).deleted.length, 0);
    await store.removeRootfs('ctr');
    assert.deepEqual((await store.prune({ all: true, isUsed: (id) => id === bb.id })).deleted, [{ Deleted: cur.id }]);

    // Busybox's layer survives everything above; removing it by ID with one tag works.
    assert.deepEqual(await store.remove(bb.id), [{ Untagged: 'busybox:latest' }, { Deleted: bb.id }]);
    assert.deepEqual(await store.list(), []);
    assert.equal(blobCount(dir), 0);
    assert.deepEqual(fs.readdirSync(join(dir, 'snapshots/layers')), []);
  } finally {
    rec.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('ingest API: blobs by digest, a Docker schema2 manifest with tag and digest references', async () => {
  const dir = tmpDir();
  try {
    const store = open(dir);
    const layerTar = await tarOf([f('pulled', 'content')]);
    const layer = gzipSync(layerTar);
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(layerTar)] }, config: {} }));
    await assert.rejects(store.writeBlob(Readable.from([layer]), sha('something else')), kind('BadRequest'));
    assert.deepEqual(await store.writeBlob(Readable.from([layer]), sha(layer)), { digest: sha(layer), size: layer.length });
    await store.writeBlob(Readable.from([config]));
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: MEDIA.dockerManifest,
      config: { mediaType: MEDIA.dockerConfig, digest: sha(config), size: config.length },
      layers: [{ mediaType: MEDIA.dockerLayerGzip, digest: sha(layer), size: layer.length }],
    }));
    const img = await store.putManifest(manifest, MEDIA.dockerManifest, ['localhost:5000/p:1', `localhost:5000/p@${sha(manifest)}`]);
    assert.deepEqual(img.repoTags, ['localhost:5000/p:1']);
    assert.deepEqual(img.repoDigests, [`localhost:5000/p@${sha(manifest)}`]);
    const back = await store.getManifest('localhost:5000/p:1');
    assert.deepEqual(back, { digest: sha(manifest), mediaType: MEDIA.dockerManifest, bytes: manifest });
    assert.deepEqual(await collect(store.readBlob(sha(layer))), layer);
    // Untagging the repo's last tag drops its digest reference too, then deletes.
    assert.deepEqual(await store.remove('localhost:5000/p:1'), [
      { Untagged: 'localhost:5000/p:1' }, { Untagged: `localhost:5000/p@${sha(manifest)}` }, { Deleted: img.id },
    ]);
    assert.equal(blobCount(dir), 0);

    // The same config under two manifests (gzip and plain layer) is one image; removal takes both.
    await store.writeBlob(Readable.from([layer]));
    await store.writeBlob(Readable.from([layerTar]));
    await store.writeBlob(Readable.from([config]));
    const plain = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: MEDIA.ociManifest,
      config: { mediaType: MEDIA.ociConfig, digest: sha(config), size: config.length },
      layers: [{ mediaType: MEDIA.ociLayer, digest: sha(layerTar), size: layerTar.length }],
    }));
    await store.putManifest(manifest, MEDIA.dockerManifest, ['two:gz']);
    await store.putManifest(plain, MEDIA.ociManifest, ['two:plain']);
    const both = await store.list();
    assert.equal(both.length, 1);
    assert.deepEqual(both[0].repoTags.sort(), ['two:gz', 'two:plain']);
    await store.remove(both[0].id, { force: true });
    assert.equal(blobCount(dir), 0);
    assert.deepEqual(fs.readdirSync(join(dir, 'snapshots/layers')), []);
    const missing = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociManifest, config: { mediaType: MEDIA.ociConfig, digest: sha('x'), size: 1 }, layers: [] }));
    await assert.rejects(store.putManifest(missing, MEDIA.ociManifest, ['q']), kind('NotFound'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('commit turns a container upper layer (whiteouts, opaque dirs, hard links) into a new image', async () => {
  const dir = tmpDir();
  try {
    const store = open(dir);
    const bb = await store.ensureBusybox();
    await withMounted(store, 'ctr', bb.id, dir, (mnt) => {
      execFileSync('chroot', [mnt, '/bin/sh', '-c',
        'echo hello > /hello && ln /hello /hello2 && rm /bin/vi && rm -rf /etc && mkdir /etc && echo new > /etc/only && mkfifo /fifo']);
    });
    const img = await store.commitRootfs('ctr', { ref: 'committed:1', changes: ['CMD ["cat", "/hello"]'], message: 'snap', author: 'me', createdBy: 'sh -c …' });
    assert.deepEqual(img.repoTags, ['committed:1']);
    assert.equal(img.diffIds.length, 2);
    assert.equal(img.diffIds[0], bb.diffIds[0]);
    assert.deepEqual(img.config.Cmd, ['cat', '/hello']);
    assert.deepEqual(img.config.Env, bb.config.Env);
    assert.equal(img.author, 'me');
    assert.equal(img.history.length, 2);
    assert.equal(await store.layersSize(), img.size, 'the shared busybox layer counts once');
    await store.removeRootfs('ctr');
    await withMounted(store, 'ctr2', img.id, dir, (mnt) => {
      assert.equal(execFileSync('chroot', [mnt, '/bin/cat', '/hello'], { encoding: 'utf8' }), 'hello\n');
      assert.equal(fs.statSync(join(mnt, 'hello')).ino, fs.statSync(join(mnt, 'hello2')).ino);
      assert.ok(!fs.existsSync(join(mnt, 'bin/vi')));
      assert.ok(fs.existsSync(join(mnt, 'bin/ls')));
      assert.deepEqual(fs.readdirSync(join(mnt, 'etc')), ['only']);
      assert.ok(fs.lstatSync(join(mnt, 'fifo')).isFIFO());
    });
    await store.removeRootfs('ctr2');
    // The committed image saves and loads like any other.
    const b = tmpDir();
    try {
      assert.deepEqual(await open(b).load(await store.save(['committed:1'])), ['committed:1']);
      assert.equal((await open(b).get('committed:1')).id, img.id);
    } finally {
      fs.rmSync(b, { recursive: true, force: true });
    }
    await assert.rejects(store.commitRootfs('nope'), kind('NotFound'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
