// client.mjs runs the interop cases with Node's ws client against an echo
// server that speaks package interop's protocol (serve in serve_test.go):
//
//	node client.mjs ws://127.0.0.1:8080
//
// It prints one JSON line per case, {"case", "id", "connected", "pass",
// "error"?}, and exits with 1 if any case failed. The id is the one it put
// in the URL, under which the Go test finds the server's own verdict when
// the case connected.

import { WebSocket } from 'ws';
import { Conn, payload, TIMEOUT } from './conn.mjs';

const sizes = [0, 1, 125, 126, 65535, 65536, 1 << 20];
const closes = [
  [1000, 'normal closure, with a reason'],
  [1001, 'going away ✓'],
  [4000, 'custom code'],
];
const pingPayloads = [Buffer.alloc(0), Buffer.from('ping ✓'), payload(true, 125)];

// cases returns the table, as cases_test.go's cases does.
function cases() {
  const cs = [];
  for (const compress of [false, true]) {
    const mode = compress ? 'deflate' : 'plain';
    for (const binary of [false, true]) {
      const kind = binary ? 'binary' : 'text';
      for (const n of sizes) {
        const data = payload(binary, n);
        cs.push({
          name: `echo-${mode}/${kind}/${n}`, path: '/echo?code=1000&reason=done', offer: compress, accept: compress,
          run: (c) => echo(c, data, binary, false),
        });
      }
      for (const n of [10, 70000]) {
        const data = payload(binary, n);
        cs.push({
          name: `fragments-${mode}/${kind}/${n}`, path: '/fragments?code=1000&reason=done', offer: compress, accept: compress,
          run: (c) => echo(c, data, binary, true),
        });
      }
    }
    cs.push({ name: `echo-${mode}/sequence`, path: '/echo?code=1000&reason=done', offer: compress, accept: compress, run: sequence });
  }
  const data = payload(true, 65536);
  cs.push(
    { name: 'deflate-refused/binary/65536', path: '/echo?code=1000&reason=done', offer: true, accept: false, run: (c) => echo(c, data, true, false) },
    { name: 'deflate-unoffered/binary/65536', path: '/echo?code=1000&reason=done', offer: false, accept: true, run: (c) => echo(c, data, true, false) },
    { name: 'ping/client', path: '/echo?code=1000&reason=done', run: pingFromClient },
    { name: 'ping/server', path: '/ping?code=1000&reason=done', run: pingFromServer },
  );
  for (const [code, reason] of closes) {
    const q = `code=${code}&reason=${encodeURIComponent(reason)}`;
    cs.push(
      { name: `close-by-client/${code}`, path: `/echo?${q}`, run: (c) => closeHandshake(c, code, reason) },
      { name: `close-by-server/${code}`, path: `/close?${q}`, run: (c) => expectClose(c, code, reason) },
    );
  }
  return cs;
}

async function echo(c, data, binary, fragmented) {
  if (fragmented) {
    c.sendFragments(data, binary);
  } else {
    c.ws.send(data, { binary });
  }
  await receiveSame(c, data, binary);
  await closeHandshake(c, 1000, 'done');
}

// sequence sends every size but the largest, of both types, on one
// connection, as cases_test.go's echoSequence does.
async function sequence(c) {
  for (const n of sizes.slice(0, -1)) {
    for (const binary of [false, true]) {
      const data = payload(binary, n);
      c.ws.send(data, { binary });
      await receiveSame(c, data, binary);
    }
  }
  await closeHandshake(c, 1000, 'done');
}

async function pingFromClient(c) {
  for (const p of pingPayloads) {
    c.ws.ping(p);
    await c.pong(p);
  }
  await closeHandshake(c, 1000, 'done');
}

// pingFromServer sends each payload to /ping, which pings with it and
// sends it back once ws answered the ping.
async function pingFromServer(c) {
  for (const p of pingPayloads) {
    c.ws.send(p, { binary: true });
    await receiveSame(c, p, true);
  }
  await closeHandshake(c, 1000, 'done');
}

async function receiveSame(c, data, binary) {
  const m = await c.receive(`receive the echo of ${data.length} bytes`);
  if (m.binary !== binary) {
    throw new Error(`echo of ${data.length} bytes: binary ${m.binary}, want ${binary}`);
  }
  if (!m.data.equals(data)) {
    let i = 0;
    while (i < m.data.length && i < data.length && m.data[i] === data[i]) {
      i++;
    }
    throw new Error(`echo: got ${m.data.length} bytes, want ${data.length}; they differ from byte ${i}`);
  }
}

// closeHandshake closes with code and reason and waits for the server's
// close frame; ws reports 1006 when the socket ended without one.
async function closeHandshake(c, code, reason) {
  c.ws.close(code, reason);
  const e = await c.next('close', `close ${code}`);
  if (e.code === 1006) {
    throw new Error(`close ${code}: the connection ended without the server's close frame`);
  }
}

async function expectClose(c, code, reason) {
  const e = await c.next('close', `waiting for the server's close ${code}`);
  if (e.code !== code || e.reason !== reason) {
    throw new Error(`server closed with ${e.code} ${JSON.stringify(e.reason)}, want ${code} ${JSON.stringify(reason)}`);
  }
}

function connect(url, offer) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: offer, handshakeTimeout: TIMEOUT, maxPayload: 2 << 20 });
    const c = new Conn(ws);
    ws.once('open', () => resolve(c));
    ws.once('error', (err) => reject(new Error(`dial ${url}: ${err.message}`)));
  });
}

async function runCase(base, tc) {
  const id = `node/${tc.name}`;
  let url = `${base}${tc.path}&id=${encodeURIComponent(id)}`;
  if (tc.offer) url += '&offer=1';
  if (tc.accept) url += '&accept=1';
  let c;
  try {
    c = await connect(url, Boolean(tc.offer));
    const want = Boolean(tc.offer && tc.accept);
    if (c.compressed() !== want) {
      throw new Error(`permessage-deflate negotiated: ${c.compressed()}, want ${want}`);
    }
    await tc.run(c);
    return { case: tc.name, id, connected: true, pass: true };
  } catch (err) {
    return { case: tc.name, id, connected: Boolean(c), pass: false, error: err.message };
  } finally {
    c?.abort();
  }
}

const base = process.argv[2];
if (!base) {
  console.error('usage: node client.mjs ws://host:port');
  process.exit(2);
}
let failed = 0;
for (const tc of cases()) {
  const r = await runCase(base, tc);
  if (!r.pass) failed++;
  console.log(JSON.stringify(r));
}
process.exit(failed > 0 ? 1 : 0);
