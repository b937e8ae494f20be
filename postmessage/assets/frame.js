// frame.js — origin B, embedded by the parent: it greets the parent's two
// receivers, and bridges the parent to wirelab's WebSocket server. Only this
// origin may open that WebSocket (the server's OriginPolicy), so the parent
// reaches the server through this frame — a common real pattern for widgets,
// payment forms and single sign-on.
import { config, endpoint, logTo, show } from "/pm.js";

const cfg = config();
const $ = (id) => document.getElementById(id);
const row = logTo($("frame-log"));

const replies = { safe: null, vulnerable: null };
const state = { ws: "connecting", sent: [], received: [] };
window.wirelab = { cfg, replies, state };

if (window.parent === window) {
  $("standalone").hidden = false;
  $("ws-state").textContent = "not started (no parent)";
} else {
  start();
}

function start() {
  const parent = window.parent;
  const common = { target: parent, targetOrigin: cfg.parent, allow: cfg.trusted, timeout: cfg.timeoutMs };

  // Greet both receivers: the frame is on the parent's allow-list, so both
  // accept, and both answers come back — the safe one addressed to origin B
  // explicitly, the vulnerable one to "*".
  for (const which of ["safe", "vulnerable"]) {
    const ep = endpoint({ ...common, channel: which, name: `[frame → ${which} receiver]`, warnMalformed: false });
    ep.request("greet", { name: cfg.self })
      .then((r) => { replies[which] = r; $(`reply-${which}`).textContent = r.greeting; row([`← parent (${which})`, show(r)]); })
      .catch((err) => { replies[which] = { error: String(err) }; $(`reply-${which}`).textContent = String(err); });
  }

  // The bridge, frame end. The endpoint admits messages only from
  // window.parent at origin A, and answers to origin A.
  const bridge = endpoint({ ...common, channel: "bridge", name: "[bridge, frame end]", warnForeign: true });

  const pending = new Map(); // WebSocket request id → {resolve, reject, timer}
  let seq = 0;
  const ws = new WebSocket(cfg.webSocket);
  ws.onopen = () => {
    state.ws = "open";
    $("ws-state").textContent = "open";
    bridge.notify("ws.open", { url: cfg.webSocket });
  };
  ws.onmessage = (e) => {
    let m;
    try {
      m = JSON.parse(e.data);
    } catch {
      console.warn(`[bridge, frame end] ignored a WebSocket message that is not JSON: ${show(e.data)}`);
      return;
    }
    state.received.push(m);
    row(["← server", show(m)]);
    if (m && m.type === "reply" && pending.has(m.id)) {
      const p = pending.get(m.id);
      pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.error) p.reject(new Error(m.error));
      else p.resolve(m.result);
      return;
    }
    // Anything else the server says (hello, push) goes up to the parent.
    bridge.notify("ws.message", m && typeof m === "object" ? m : { value: m });
  };
  ws.onclose = (e) => {
    state.ws = `closed ${e.code}`;
    $("ws-state").textContent = `closed (${e.code})`;
    bridge.notify("ws.close", { code: e.code, reason: e.reason });
    for (const [, p] of pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`WebSocket closed (${e.code})`));
    }
    pending.clear();
  };

  function socketRequest(method, params) {
    if (ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error("the WebSocket is not open"));
    const id = `ws-${++seq}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`the server did not answer ${id} within ${cfg.timeoutMs} ms`));
      }, cfg.timeoutMs);
      pending.set(id, { resolve, reject, timer });
      const m = { id, method, params };
      state.sent.push(m);
      row(["→ server", show(m)]);
      ws.send(JSON.stringify(m));
    });
  }

  bridge.handle("upper", (params) => {
    if (typeof params.text !== "string") throw new Error("upper takes {text: string}");
    row(["← parent", show({ method: "upper", params })]);
    return socketRequest("upper", { text: params.text });
  });
  bridge.handle("status", () => ({ webSocket: state.ws }));
}
