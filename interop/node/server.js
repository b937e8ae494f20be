// An echo server on Node's ws, for interop tests.
//
// Usage: node server.js PORT
//
// It listens on 127.0.0.1:PORT, echoes every message with its type, and runs
// the commands of the interop package doc (!ping, !close, !frag). It speaks
// the subprotocol superchat. For each
// connection that ends it prints one JSON line on stdout:
//
//   {"event":"closed","code":4000,"reason":"client bye","clean":true}
//
// code and reason are those of the close frame it received (1006 if none);
// clean means close frames went both ways.
'use strict';
const { WebSocketServer } = require('ws');

const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const port = Number(process.argv[2]);
const wss = new WebSocketServer({
  host: '127.0.0.1',
  port,
  maxPayload: 64 << 20,
  // The one subprotocol it speaks, if the client offers it.
  handleProtocols: (offered) => (offered.has('superchat') ? 'superchat' : false),
});

function command(ws, msg) {
  const sp = msg.indexOf(' ');
  const verb = sp < 0 ? msg : msg.slice(0, sp);
  const arg = sp < 0 ? '' : msg.slice(sp + 1);
  switch (verb) {
    case '!ping':
      ws.once('pong', (p) => ws.send('pong:' + p.toString()));
      ws.ping(arg);
      break;
    case '!close': {
      const [code, ...reason] = arg.split(' ');
      ws.close(Number(code), reason.join(' '));
      break;
    }
    case '!frag': {
      // One text message in 1000-byte fragments: fin is false until the last.
      let left = Number(arg);
      while (left > 0) {
        const n = Math.min(1000, left);
        left -= n;
        ws.send('f'.repeat(n), { binary: false, fin: left === 0 });
      }
      break;
    }
    default:
      ws.send('unknown command ' + msg);
  }
}

wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    if (!isBinary && data[0] === 0x21 /* ! */) {
      command(ws, data.toString());
      return;
    }
    ws.send(data, { binary: isBinary });
  });
  ws.on('error', (e) => emit({ event: 'error', detail: String(e) }));
  ws.on('close', (code, reason) => {
    emit({
      event: 'closed',
      code,
      reason: reason.toString(),
      // ws keeps no public wasClean; these two flags are what it means.
      clean: Boolean(ws._closeFrameReceived && ws._closeFrameSent),
    });
  });
});
wss.on('error', (e) => {
  process.stderr.write(String(e) + '\n');
  process.exit(1);
});
