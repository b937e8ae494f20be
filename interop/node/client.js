// A client on Node's ws, for interop tests.
//
// Usage: node client.js ws://127.0.0.1:PORT/echo
//
// It runs the interop matrix against an echo server that speaks the commands
// of the interop package doc, printing one JSON line per check on stdout,
// then {"event":"done"}:
//
//   {"check":"text","ok":true,"detail":""}
'use strict';
const crypto = require('crypto');
const WebSocket = require('ws');

const TIMEOUT = 20000;
// Offered on every connection; the servers support superchat only.
const PROTOCOLS = ['chat', 'superchat'];
const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const url = process.argv[2];

function within(p, what) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${TIMEOUT} ms`)), TIMEOUT);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

// open connects and queues what arrives, so a check can await the next
// message or the close.
function open() {
  const ws = new WebSocket(url, PROTOCOLS, { maxPayload: 64 << 20 });
  const queue = [];
  const waiters = [];
  ws.on('message', (data, isBinary) => {
    const m = { data, isBinary };
    if (waiters.length) waiters.shift()(m);
    else queue.push(m);
  });
  ws.closed = new Promise((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  ws.next = () =>
    within(queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiters.push(r)), 'message');
  return within(
    new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    }),
    'open',
  );
}

const clean = (ws) => Boolean(ws._closeFrameReceived && ws._closeFrameSent);

function expect(m, isBinary, want) {
  const got = Buffer.from(m.data);
  if (m.isBinary !== isBinary || !got.equals(Buffer.from(want))) {
    throw new Error(
      `got ${m.isBinary ? 'binary' : 'text'} of ${got.length} bytes, want ${isBinary ? 'binary' : 'text'} of ${Buffer.from(want).length}`,
    );
  }
}

async function check(name, fn) {
  try {
    emit({ check: name, ok: true, detail: (await fn()) || '' });
  } catch (e) {
    emit({ check: name, ok: false, detail: String(e && e.stack ? e.message : e) });
  }
}

async function main() {
  const ws = await open();
  const roundTrip = async (data, isBinary) => {
    ws.send(data, { binary: isBinary });
    expect(await ws.next(), isBinary, data);
  };

  await check('subprotocol', () => {
    if (ws.protocol !== 'superchat') throw new Error(`subprotocol "${ws.protocol}", want superchat`);
    return `offered ${PROTOCOLS.join(', ')}; the server chose ${ws.protocol}`;
  });
  await check('text', () => roundTrip('hello, 世界', false));
  await check('binary', () => roundTrip(Buffer.from([...Array(256).keys()]), true));
  await check('fragmented', async () => {
    // 12001 bytes of UTF-8 in 12 fragments of ≤ 1001 bytes, each boundary
    // inside an é: the server must validate UTF-8 across fragments.
    const msg = Buffer.from('x' + 'é'.repeat(6000));
    const parts = [];
    for (let i = 0; i < msg.length; i += 1001) parts.push(msg.subarray(i, i + 1001));
    parts.forEach((p, i) => ws.send(p, { binary: false, fin: i === parts.length - 1 }));
    expect(await ws.next(), false, msg);
    return `sent ${parts.length} fragments, split inside UTF-8 sequences`;
  });
  await check('70000', () => roundTrip(crypto.randomBytes(70000), true));
  await check('1MiB', async () => {
    await roundTrip(crypto.randomBytes(1 << 20), true);
    await roundTrip('a'.repeat(1 << 20), false);
  });
  await check('ping', async () => {
    const pong = new Promise((resolve) => ws.once('pong', resolve));
    ws.ping('cli');
    const p = await within(pong, 'pong');
    if (p.toString() !== 'cli') throw new Error(`pong payload ${p}, want cli`);
  });
  await check('server-ping', async () => {
    ws.send('!ping srv');
    expect(await ws.next(), false, 'pong:srv');
  });
  await check('close-4000', async () => {
    ws.close(4000, 'client bye');
    const c = await within(ws.closed, 'close');
    if (c.code !== 4000 || !clean(ws)) throw new Error(`closed with ${c.code} clean=${clean(ws)}, want 4000 clean`);
    return `received ${c.code}`;
  });
  await check('server-close-4001', async () => {
    const ws2 = await open();
    ws2.send('!close 4001 server bye');
    const c = await within(ws2.closed, 'close');
    if (c.code !== 4001 || c.reason !== 'server bye' || !clean(ws2)) {
      throw new Error(`closed with ${c.code} "${c.reason}" clean=${clean(ws2)}, want 4001 "server bye" clean`);
    }
    return `received ${c.code} "${c.reason}"`;
  });
  emit({ event: 'done' });
}

main().then(
  () => process.exit(0),
  (e) => {
    emit({ event: 'error', detail: String(e) });
    process.exit(1);
  },
);
