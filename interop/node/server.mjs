// server.mjs is the echo server of package interop (serve in
// serve_test.go) on Node's ws server, for our client:
//
//	node server.mjs
//
// It listens on a free loopback port and prints {"listening": "host:port"},
// then one JSON line per connection, {"id", "pass", "error"?}, with the id
// from the connection's URL, so that the Go test gets the server's verdict
// on each case. It exits when its standard input ends.

import http from 'node:http';
import { WebSocketServer } from 'ws';
import { Conn } from './conn.mjs';

const maxPayload = 2 << 20;
const plain = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload });
const deflate = new WebSocketServer({ noServer: true, perMessageDeflate: true, maxPayload });

// serve answers one connection as serve_test.go's serve does.
async function serve(c, url) {
  const q = url.searchParams;
  const want = q.get('offer') === '1' && q.get('accept') === '1';
  if (c.compressed() !== want) {
    throw new Error(`permessage-deflate negotiated: ${c.compressed()}, want ${want}`);
  }
  if (url.pathname === '/close') {
    const code = Number(q.get('code'));
    c.ws.close(code, q.get('reason'));
    const e = await c.next('close', `close ${code}`);
    if (e.code === 1006) {
      throw new Error(`close ${code}: the connection ended without the client's close frame`);
    }
    return;
  }
  for (;;) {
    const e = await c.next(['message', 'close'], 'waiting for a message');
    if (e.kind === 'close') {
      if (q.has('code') && (String(e.code) !== q.get('code') || e.reason !== q.get('reason'))) {
        throw new Error(`client closed with ${e.code} ${JSON.stringify(e.reason)}, want ${q.get('code')} ${JSON.stringify(q.get('reason'))}`);
      }
      return;
    }
    await answer(c, url.pathname, e);
  }
}

async function answer(c, path, m) {
  switch (path) {
    case '/echo':
      c.ws.send(m.data, { binary: m.binary });
      return;
    case '/fragments':
      c.sendFragments(m.data, m.binary);
      return;
    case '/ping':
      c.ws.ping(m.data);
      await c.pong(m.data);
      c.ws.send(m.data, { binary: m.binary });
      return;
  }
  throw new Error(`no such path ${JSON.stringify(path)}`);
}

const server = http.createServer((req, res) => {
  res.writeHead(404);
  res.end();
});
server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'ws://localhost');
  const wss = url.searchParams.get('accept') === '1' ? deflate : plain;
  wss.handleUpgrade(req, socket, head, async (ws) => {
    const c = new Conn(ws);
    const id = url.searchParams.get('id');
    try {
      await serve(c, url);
      console.log(JSON.stringify({ id, pass: true }));
    } catch (err) {
      console.log(JSON.stringify({ id, pass: false, error: err.message }));
    } finally {
      c.abort();
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ listening: `127.0.0.1:${server.address().port}` }));
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
