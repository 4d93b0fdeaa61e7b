/**
 * The everyday kubectl flows, run with the real kubectl 1.27 (JSON everywhere, OpenAPI v2 probe)
 * and 1.33 (protobuf bodies for `create`, OpenAPI v3 patch metadata) against a real
 * `bosun server`, each version in its own namespace.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startServer, writeTemp, kubectlPath, type BosunServer } from './k8s-helpers.js';

let server: BosunServer;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.destroy();
});

function manifest(ns: string, image: string, mode: string, data: string): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${ns}
  labels: {app: demo}
data:
  level: "${data}"
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: ${ns}
  labels: {app: demo}
stringData:
  password: hunter2
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
  labels: {app: demo}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: c
        image: ${image}
        env:
        - {name: MODE, value: ${mode}}
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${ns}
  labels: {app: demo}
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
`;
}

/** Collects a long-running kubectl's stdout until `want` lines arrived (or it exits). */
function watchLines(args: string[], minor: number) {
  const p = spawn(kubectlPath(minor), ['--kubeconfig', server.kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const check = () => {
    const lines = out.split('\n').filter(Boolean).length;
    for (const w of [...waiters]) if (lines >= w.n) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  p.stdout.on('data', (d) => {
    out += d;
    check();
  });
  return {
    lines: () => out.split('\n').filter(Boolean),
    until: (n: number) => new Promise<void>((resolve, reject) => {
      waiters.push({ n, resolve });
      p.once('exit', () => reject(new Error(`kubectl exited early; output so far:\n${out}`)));
      check();
    }),
    stop: () => new Promise<void>((resolve) => {
      if (p.exitCode !== null) return resolve();
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    }),
  };
}

for (const minor of [27, 33]) {
  describe(`kubectl 1.${minor}`, () => {
    const ns = `flow-${minor}`;
    const k = (args: string[], o?: { input?: string; env?: Record<string, string> }) => server.kubectl(minor, args, o);
    const ok = async (args: string[], o?: { input?: string; env?: Record<string, string> }) => {
      const r = await k(args, o);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
      return r.stdout;
    };

    test('version, api-resources, api-versions', async () => {
      assert.match(await ok(['version']), /Server Version: .*v1\.33\.\d+/);
      const res = await ok(['api-resources']);
      assert.match(res, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
      assert.match(res, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
      const versions = (await ok(['api-versions'])).split('\n');
      for (const v of ['v1', 'apps/v1', 'batch/v1', 'networking.k8s.io/v1']) assert.ok(versions.includes(v), v);
    });

    test('auth can-i and auth whoami (every identity is an administrator until RBAC)', async () => {
      assert.equal(await ok(['auth', 'can-i', 'delete', 'deployments']), 'yes\n');
      assert.match(await ok(['auth', 'whoami']), /^Username\s+admin$/m);
    });

    test('apply a multi-document file, then apply a change ("configured")', async () => {
      const first = await ok(['apply', '-f', '-'], { input: manifest(ns, 'nginx:1.27', 'one', '1') });
      for (const l of [`namespace/${ns} created`, 'configmap/settings created', 'secret/creds created', 'deployment.apps/web created', 'service/web created']) {
        assert.ok(first.includes(l), `${l} in\n${first}`);
      }
      const second = await ok(['apply', '-f', '-'], { input: manifest(ns, 'nginx:1.28', 'two', '2') });
      assert.match(second, /deployment\.apps\/web configured/);
      assert.match(second, /configmap\/settings configured/);
      assert.match(second, /service\/web unchanged/);
      const env = JSON.parse(await ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'json']));
      assert.equal(env.spec.template.spec.containers[0].image, 'nginx:1.28');
      assert.deepEqual(env.spec.template.spec.containers[0].env, [{ name: 'MODE', value: 'two' }]);
      assert.equal(env.metadata.generation, 2);
      const secret = JSON.parse(await ok(['-n', ns, 'get', 'secret', 'creds', '-o', 'json']));
      assert.equal(Buffer.from(secret.data.password, 'base64').toString(), 'hunter2');
    });

    test('get -o wide / yaml / json / jsonpath / name', async () => {
      const wide = await ok(['-n', ns, 'get', 'deploy', '-o', 'wide']);
      assert.match(wide, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m);
      // The controllers run: how many replicas exist by now is theirs to say, not this test's.
      assert.match(wide, /^web\s+\d+\/2\s+\d+\s+\d+\s+\S+\s+c\s+nginx:1\.28\s+app=web$/m);
      const svc = await ok(['-n', ns, 'get', 'svc', 'web']);
      assert.match(svc, /^web\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+\S+$/m);
      assert.match(await ok(['-n', ns, 'get', 'cm', 'settings', '-o', 'yaml']), /^kind: ConfigMap$/m);
      assert.equal(await ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '2');
      assert.deepEqual((await ok(['-n', ns, 'get', 'cm,secret,deploy,svc', '-l', 'app=demo', '-o', 'name'])).trim().split('\n').sort(),
        ['configmap/settings', 'deployment.apps/web', 'secret/creds', 'service/web']);
      const list = JSON.parse(await ok(['-n', ns, 'get', 'all', '-o', 'json']));
      assert.ok(list.items.some((i: { kind: string }) => i.kind === 'Deployment'));
    });

    test('get -w prints a line per change', async () => {
      const w = watchLines(['-n', ns, 'get', 'cm', 'settings', '-w'], minor);
      try {
        await w.until(2); // header + the current row
        await ok(['-n', ns, 'label', 'cm', 'settings', 'watched=yes']);
        await w.until(3);
        assert.match(w.lines()[2], /^settings\s+1\s+\S+$/);
      } finally {
        await w.stop();
      }
    });

    test('describe', async () => {
      const d = await ok(['-n', ns, 'describe', 'deploy', 'web']);
      assert.match(d, /^Name:\s+web$/m);
      assert.match(d, /^Replicas:\s+2 desired/m);
      assert.match(d, /nginx:1\.28/);
      assert.match(await ok(['-n', ns, 'describe', 'cm', 'settings']), /^level:$/m);
    });

    test('label and annotate with selectors', async () => {
      assert.match(await ok(['-n', ns, 'label', 'cm,secret', '-l', 'app=demo', 'tier=backend']), /configmap\/settings labeled/);
      assert.match(await ok(['-n', ns, 'annotate', 'deploy', '-l', 'app=demo', 'owner=team-a']), /deployment\.apps\/web annotate/);
      assert.equal(await ok(['-n', ns, 'get', 'secret', '-l', 'tier=backend,app in (demo)', '-o', 'jsonpath={.items[*].metadata.name}']), 'creds');
      assert.equal(await ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.metadata.annotations.owner}']), 'team-a');
      await ok(['-n', ns, 'label', 'cm', 'settings', 'tier-']);
      assert.equal(await ok(['-n', ns, 'get', 'cm', '-l', '!tier', '-o', 'name']), 'configmap/settings\n');
    });

    test('patch: strategic, merge and json', async () => {
      await ok(['-n', ns, 'patch', 'deploy', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx:1.29"}]}}}}']);
      const d = JSON.parse(await ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'json']));
      assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.29');
      assert.deepEqual(d.spec.template.spec.containers[0].env, [{ name: 'MODE', value: 'two' }], 'strategic merge keeps the other fields of the container');
      await ok(['-n', ns, 'patch', 'deploy', 'web', '--type=merge', '-p', '{"spec":{"replicas":3}}']);
      await ok(['-n', ns, 'patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"add","path":"/metadata/labels/patched","value":"json"}]']);
      assert.equal(await ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas} {.metadata.labels.patched}']), '3 json');
      assert.match(await ok(['-n', ns, 'scale', 'deploy', 'web', '--replicas=2']), /scaled/);
      assert.equal(await ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '2');
      assert.match(await ok(['-n', ns, 'get', 'deploy', 'web', '--subresource=scale']), /^web\s+2\s+\d+$/m);
      assert.match(await ok(['-n', ns, 'get', 'deploy', 'web', '--subresource=status']), /^web\s+\d+\/2\s+/m);
    });

    test('edit through an EDITOR script', async () => {
      const editor = writeTemp(server, `editor-${minor}.sh`, "#!/bin/sh\nsed -i 's/^  replicas: .*/  replicas: 4/' \"$1\"\n");
      const out = await ok(['-n', ns, 'edit', 'deploy', 'web'], { env: { EDITOR: editor, KUBE_EDITOR: editor } });
      assert.match(out, /deployment\.apps\/web edited/);
      assert.equal(await ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '4');
    });

    test('replace with a stale object is a Conflict', async () => {
      const stale = await ok(['-n', ns, 'get', 'cm', 'settings', '-o', 'yaml']);
      await ok(['-n', ns, 'label', 'cm', 'settings', 'bump=1']);
      const r = await k(['-n', ns, 'replace', '-f', '-'], { input: stale });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Error from server \(Conflict\).*the object has been modified/);
      const fresh = await ok(['-n', ns, 'get', 'cm', 'settings', '-o', 'yaml']);
      assert.match(await ok(['-n', ns, 'replace', '-f', '-'], { input: fresh.replace('level: "2"', 'level: "3"') }), /configmap\/settings replaced/);
    });

    test('explain', async () => {
      const e = await ok(['explain', 'deployment.spec']);
      assert.match(e, /KIND:\s+Deployment/);
      assert.match(e, /FIELD: spec <DeploymentSpec>/);
      assert.match(e, /replicas\s+<integer>/);
      assert.match(await ok(['explain', 'pods.spec.containers']), /FIELD: containers <\[\]Container>/);
    });

    test('diff: changes exit 1 with a unified diff, no changes exit 0', async () => {
      const same = manifest(ns, 'nginx:1.29', 'two', '3').split('---\n')[1];
      // `replace` rewrote the last-applied annotation; apply once so it matches the file again.
      await ok(['-n', ns, 'apply', '-f', '-'], { input: same });
      const unchanged = await k(['-n', ns, 'diff', '-f', '-'], { input: same });
      assert.equal(unchanged.code, 0, unchanged.stderr + unchanged.stdout);
      const changed = await k(['-n', ns, 'diff', '-f', '-'], { input: same.replace('level: "3"', 'level: "9"') });
      assert.equal(changed.code, 1, changed.stderr);
      assert.match(changed.stdout, /^-\s+level: "3"$/m);
      assert.match(changed.stdout, /^\+\s+level: "9"$/m);
      assert.equal(await ok(['-n', ns, 'get', 'cm', 'settings', '-o', 'jsonpath={.data.level}']), '3', 'diff does not write');
    });

    test('create configmap / secret / deployment / namespace from the command line', async () => {
      const gen = `gen-${minor}`;
      assert.match(await ok(['create', 'namespace', gen]), new RegExp(`namespace/${gen} created`));
      assert.match(await ok(['-n', gen, 'create', 'configmap', 'cm1', '--from-literal=a=1', '--from-literal=b=two']), /configmap\/cm1 created/);
      assert.match(await ok(['-n', gen, 'create', 'secret', 'generic', 's1', '--from-literal=pw=s3cret']), /secret\/s1 created/);
      assert.match(await ok(['-n', gen, 'create', 'deployment', 'd1', '--image=busybox:1.36', '--replicas=2', '--port=80']), /deployment\.apps\/d1 created/);
      const cm = JSON.parse(await ok(['-n', gen, 'get', 'cm', 'cm1', '-o', 'json']));
      assert.deepEqual(cm.data, { a: '1', b: 'two' });
      const s = JSON.parse(await ok(['-n', gen, 'get', 'secret', 's1', '-o', 'json']));
      assert.equal(Buffer.from(s.data.pw, 'base64').toString(), 's3cret');
      assert.equal(s.type, 'Opaque');
      const d = JSON.parse(await ok(['-n', gen, 'get', 'deploy', 'd1', '-o', 'json']));
      assert.equal(d.spec.replicas, 2);
      assert.equal(d.spec.template.spec.containers[0].image, 'busybox:1.36');
      assert.equal(d.spec.template.spec.containers[0].ports[0].containerPort, 80);
      assert.match(await ok(['delete', 'namespace', gen, '--wait']), new RegExp(`namespace "${gen}" deleted`));
      const gone = await k(['get', 'ns', gen]);
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, /NotFound/);
    });

    test('--dry-run=server writes nothing', async () => {
      assert.match(await ok(['-n', ns, 'create', 'configmap', 'dry', '--dry-run=server', '-o', 'name']), /configmap\/dry/);
      assert.match((await k(['-n', ns, 'get', 'cm', 'dry'])).stderr, /NotFound/);
      assert.match(await ok(['-n', ns, 'delete', 'cm', 'settings', '--dry-run=server']), /deleted \(server dry run\)/);
      assert.match(await ok(['-n', ns, 'scale', 'deploy', 'web', '--replicas=9', '--dry-run=server']), /scaled \(server dry run\)/);
      assert.equal(await ok(['-n', ns, 'get', 'cm,deploy', '-o', 'jsonpath={.items[*].metadata.name} {.items[1].spec.replicas}']), 'settings web 4');
    });

    test('delete -f of a whole file, namespace first', async () => {
      const file = manifest(`del-${minor}`, 'nginx:1.27', 'one', '1');
      await ok(['apply', '-f', '-'], { input: file });
      const out = await ok(['delete', '-f', '-'], { input: file });
      for (const l of [`namespace "del-${minor}" deleted`, 'configmap "settings" deleted', 'secret "creds" deleted', 'deployment.apps "web" deleted', 'service "web" deleted']) {
        assert.ok(out.includes(l), `${l} in\n${out}`);
      }
      assert.match((await k(['get', 'ns', `del-${minor}`])).stderr, /NotFound/);
    });

    test('delete --wait', async () => {
      assert.match(await ok(['-n', ns, 'delete', 'deploy', 'web', '--wait']), /deployment\.apps "web" deleted/);
      assert.match(await ok(['-n', ns, 'delete', 'cm,secret', '-l', 'app=demo', '--wait']), /configmap "settings" deleted/);
      const r = await k(['-n', ns, 'get', 'deploy', 'web']);
      assert.match(r.stderr, /deployments\.apps "web" not found/);
      await ok(['delete', 'ns', ns, '--wait']);
    });
  });
}
