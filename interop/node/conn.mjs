// What client.mjs and server.mjs share: a connection whose events are
// awaited one at a time, the cases' payloads, and the way a message is cut
// into fragments. It mirrors the Go side of package interop (inbox_test.go,
// data_test.go, serve_test.go), so that both speak the same protocol.

import { randomBytes, randomInt } from 'node:crypto';

// TIMEOUT bounds every wait, in milliseconds: generous, so that a slow
// machine never fails a case that works, and a case that hangs ends.
export const TIMEOUT = 20000;

// Conn queues a ws WebSocket's events (message, pong, close, error) so a
// case can await them in order, as the Go cases await Receive.
export class Conn {
  constructor(ws) {
    this.ws = ws;
    this.events = [];
    this.wake = null;
    this.closed = false;
    ws.on('message', (data, binary) => this.push({ kind: 'message', data, binary }));
    ws.on('pong', (data) => this.push({ kind: 'pong', data }));
    ws.on('error', (err) => this.push({ kind: 'error', err }));
    ws.on('close', (code, reason) => {
      this.closed = true;
      this.push({ kind: 'close', code, reason: reason.toString() });
    });
  }

  push(e) {
    this.events.push(e);
    if (this.wake) {
      const wake = this.wake;
      this.wake = null;
      wake();
    }
  }

  // next returns the first queued event of kind (a name, or a list of
  // names), waiting for it. A close or an error that comes first fails the
  // wait (unless it is what was asked for); other kinds are left queued.
  async next(kind, what) {
    const kinds = [].concat(kind);
    const deadline = Date.now() + TIMEOUT;
    for (;;) {
      const i = this.events.findIndex((e) => kinds.includes(e.kind) || e.kind === 'close' || e.kind === 'error');
      if (i >= 0) {
        const [e] = this.events.splice(i, 1);
        if (!kinds.includes(e.kind)) {
          throw new Error(`${what}: got ${describe(e)}`);
        }
        return e;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`${what}: timed out after ${TIMEOUT} ms`);
      }
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  // receive returns the next message as { data: Buffer, binary }.
  receive(what) {
    return this.next('message', what);
  }

  // pong waits for a pong carrying payload, skipping others.
  async pong(payload) {
    for (;;) {
      const e = await this.next('pong', `waiting for the pong of ${payload.length} bytes`);
      if (e.data.equals(payload)) {
        return;
      }
    }
  }

  // sendFragments sends one message in parts, each its own frame.
  sendFragments(data, binary) {
    const parts = split3(data);
    parts.forEach((p, i) => this.ws.send(p, { binary, fin: i === parts.length - 1 }));
  }

  compressed() {
    return this.ws.extensions.split(',').includes('permessage-deflate');
  }

  // abort drops the connection if the case left it open.
  abort() {
    if (!this.closed) {
      this.ws.terminate();
    }
  }
}

function describe(e) {
  switch (e.kind) {
    case 'close':
      return `the peer's close ${e.code} ${JSON.stringify(e.reason)}`;
    case 'error':
      return `error: ${e.err.message}`;
    case 'message':
      return `a message of ${e.data.length} bytes`;
    default:
      return e.kind;
  }
}

// payload returns n random bytes: binary, or valid UTF-8 mixing one- to
// four-byte characters (then ASCII for the last few bytes).
export function payload(binary, n) {
  if (binary) {
    return randomBytes(n);
  }
  const chars = [];
  let size = 0;
  while (n - size >= 4) {
    const cp = randomCodePoint();
    chars.push(String.fromCodePoint(cp));
    size += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  while (size < n) {
    chars.push(String.fromCharCode(0x20 + randomInt(0x7f - 0x20)));
    size++;
  }
  return Buffer.from(chars.join(''), 'utf8');
}

// randomCodePoint picks an encoded length, then a character of that
// length that is not a surrogate half.
function randomCodePoint() {
  const ranges = [[0, 0x80], [0x80, 0x800], [0x800, 0x10000], [0x10000, 0x110000]];
  for (;;) {
    const [lo, hi] = ranges[randomInt(4)];
    const cp = lo + randomInt(hi - lo);
    if (cp < 0xd800 || cp > 0xdfff) {
      return cp;
    }
  }
}

// split3 cuts data at a third and two thirds, moved into the middle of a
// UTF-8 sequence where one is near, as serve_test.go's split3 does.
export function split3(data) {
  const a = cutInRune(data, Math.floor(data.length / 3));
  const b = Math.max(a, cutInRune(data, Math.floor((2 * data.length) / 3)));
  return [data.subarray(0, a), data.subarray(a, b), data.subarray(b)];
}

function cutInRune(data, i) {
  for (let j = i; j < data.length && j < i + 4; j++) {
    if ((data[j] & 0xc0) === 0x80) {
      return j;
    }
  }
  return i;
}
