/** docker-py 7.1 (python3) against a real `bosun server`: the SDK flows the reference lists. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from './helpers/server.js';
import { freePort, getWhenUp } from './helpers/http.js';

let s: TestServer;

before(async () => {
  s = await startServer();
});
after(async () => {
  await s?.teardown();
});

async function py(body: string): Promise<Record<string, unknown>> {
  const script = `
import json, docker
client = docker.from_env()
out = {}
${body}
print(json.dumps(out))
`;
  const r = await s.python(script);
  assert.equal(r.code, 0, `python failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

test('ping, version, info', { timeout: 180_000 }, async () => {
  const out = await py(`
out['ping'] = client.ping()
out['api'] = client.version()['ApiVersion']
out['images'] = client.info()['Images']
`);
  assert.equal(out.ping, true);
  assert.equal(out.api, '1.50');
  assert.ok((out.images as number) >= 1);
});

test('containers.run: output, remove=True, errors carry stderr', { timeout: 180_000 }, async () => {
  const out = await py(`
out['echo'] = client.containers.run('busybox', 'echo hi', remove=True).decode()
out['both'] = client.containers.run('busybox', ['sh', '-c', 'echo a; echo b >&2'], stderr=True, remove=True).decode()
try:
    client.containers.run('busybox', ['sh', '-c', 'echo boom >&2; exit 2'], remove=True)
except docker.errors.ContainerError as e:
    out['exit'] = e.exit_status
    out['stderr'] = e.stderr.decode()
try:
    client.containers.run('no-such-image-py:1', 'true')
except docker.errors.ImageNotFound as e:
    out['missing'] = 'ImageNotFound'
except docker.errors.APIError as e:
    out['missing'] = 'APIError ' + str(e.status_code)
out['left'] = len(client.containers.list(all=True))
`);
  assert.equal(out.echo, 'hi\n');
  assert.match(out.both as string, /a\n/);
  assert.equal(out.exit, 2);
  assert.equal(out.stderr, 'boom\n');
  assert.match(out.missing as string, /ImageNotFound|APIError 404/);
  assert.equal(out.left, 0);
});

test('detached run with ports, env, volumes, labels; list, get, logs, exec_run, stats, stop, remove', { timeout: 180_000 }, async () => {
  const port = await freePort();
  const out = await py(`
c = client.containers.run('busybox', ['sh', '-c', 'echo started; mkdir -p /www; echo py-served > /www/index.html; exec httpd -f -p 80 -h /www'],
    detach=True, name='pyweb', ports={'80/tcp': ('127.0.0.1', ${port})}, environment={'A': '1'}, labels={'probe': 'py'})
out['id'] = c.id
out['listed'] = [x.name for x in client.containers.list(all=True, filters={'label': 'probe=py'})]
got = client.containers.get('pyweb')
out['status'] = got.status
out['env'] = [e for e in got.attrs['Config']['Env'] if e.startswith('A=')]
import time
for i in range(50):
    if b'started' in got.logs(): break
    time.sleep(0.1)
out['logs'] = got.logs().decode()
r = got.exec_run(['sh', '-c', 'echo $0; exit 3'])
out['exec_code'] = r.exit_code
out['exec_out'] = r.output.decode()
r2 = got.exec_run(['sh', '-c', 'echo o; echo e >&2'], demux=True)
out['demux'] = [r2.output[0].decode(), r2.output[1].decode()]
st = got.stats(stream=False)
out['stats_keys'] = sorted(k for k in ['read', 'cpu_stats', 'memory_stats'] if k in st)
`);
  assert.match(out.id as string, /^[0-9a-f]{64}$/);
  assert.deepEqual(out.listed, ['pyweb']);
  assert.equal(out.status, 'running');
  assert.deepEqual(out.env, ['A=1']);
  assert.equal(out.logs, 'started\n');
  assert.equal(out.exec_code, 3);
  assert.equal(out.exec_out, 'sh\n');
  assert.deepEqual(out.demux, ['o\n', 'e\n']);
  assert.deepEqual(out.stats_keys, ['cpu_stats', 'memory_stats', 'read']);
  assert.equal((await getWhenUp(`http://127.0.0.1:${port}/`)).body, 'py-served\n');
  const done = await py(`
c = client.containers.get('pyweb')
c.stop(timeout=1)
c.reload()
out['after_stop'] = c.status
c.remove()
out['left'] = [x.name for x in client.containers.list(all=True)]
`);
  assert.equal(done.after_stop, 'exited');
  assert.deepEqual(done.left, []);
});

test('images, networks, volumes, events', { timeout: 180_000 }, async () => {
  const out = await py(`
import time
imgs = client.images.list()
out['tags'] = sorted(t for i in imgs for t in i.tags)
img = client.images.get('busybox')
out['img_id'] = img.id
img.tag('pybox', 'v2')
out['tagged'] = 'pybox:v2' in client.images.get('pybox:v2').tags
client.images.remove('pybox:v2')
n = client.networks.create('pynet', driver='bridge', labels={'probe': 'py'})
out['net'] = [x.name for x in client.networks.list(names=['pynet'])]
n.remove()
v = client.volumes.create('pyvol', labels={'probe': 'py'})
out['vol'] = [x.name for x in client.volumes.list() if x.name == 'pyvol']
v.remove()
since = int(time.time()) - 1
client.containers.run('busybox', 'true', remove=True, name='pyevt')
until = int(time.time()) + 1
out['events'] = sorted(set(e['Action'] for e in client.events(since=since, until=until, decode=True, filters={'container': 'pyevt'})))
`);
  assert.ok((out.tags as string[]).includes('busybox:latest'));
  assert.match(out.img_id as string, /^sha256:[0-9a-f]{64}$/);
  assert.equal(out.tagged, true);
  assert.deepEqual(out.net, ['pynet']);
  assert.deepEqual(out.vol, ['pyvol']);
  for (const a of ['create', 'start', 'die', 'destroy']) assert.ok((out.events as string[]).includes(a), `${a} in ${out.events}`);
});
