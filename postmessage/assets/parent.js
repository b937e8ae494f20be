// parent.js — origin A: two message receivers side by side, and the parent
// end of the postMessage ↔ WebSocket bridge.
import { PROTOCOL, config, check, originAllowed, describeSource, endpoint, logTo, show } from "/pm.js";

const cfg = config();
const frame = document.getElementById("frame");
const $ = (id) => document.getElementById(id);

// Windows we can name in the event.source column.
const known = () => [
  [frame.contentWindow, "frames[0] (the iframe)"],
  [window.parent !== window ? window.parent : null, "window.parent (a page framing this one)"],
];

function receiverState(which) {
  return { name: "alice", leaks: 0, log: [], row: logTo($(`${which}-log`)) };
}

const state = {
  safe: receiverState("safe"),
  vulnerable: receiverState("vulnerable"),
  bridge: { ready: false, events: [], replies: [], closed: null },
};

// window.wirelab is the page's state, for the curious (and for the tests).
window.wirelab = {
  cfg,
  safe: state.safe,
  vulnerable: state.vulnerable,
  bridge: state.bridge,
  bridgeRequest,
  tryDirectSocket,
};

// record shows what a receiver saw: event.data, event.origin, event.source.
function record(which, verdict, event) {
  const st = state[which];
  const entry = {
    verdict,
    origin: event.origin,
    source: describeSource(event.source, known()),
    data: show(event.data),
    method: event.data && typeof event.data === "object" ? event.data.method : undefined,
  };
  st.log.push(entry);
  st.row([entry.verdict, entry.origin, entry.source, entry.data], verdict.startsWith("accepted") ? "ok" : "no");
}

// act runs a request on a receiver's account; both receivers share it, so
// the only difference between them is who they listen to and answer.
function act(which, msg) {
  const st = state[which];
  const p = msg.params || {};
  switch (msg.method) {
    case "greet":
      if (typeof p.name !== "string" || p.name.length > 100) return { error: { message: "greet takes {name: string}" } };
      return { result: { greeting: `hello, ${p.name}, from ${cfg.self}` } };
    case "setName":
      if (typeof p.name !== "string" || p.name.length > 100) return { error: { message: "setName takes {name: string}" } };
      st.name = p.name;
      $(`${which}-name`).textContent = p.name;
      return { result: { name: p.name } };
    case "getToken":
      st.leaks++;
      $(`${which}-leaks`).textContent = `${st.leaks} time${st.leaks === 1 ? "" : "s"}`;
      return { result: { token: cfg.token } };
    default:
      return { error: { message: `unknown method ${JSON.stringify(msg.method)}` } };
  }
}

// The safe receiver.
window.addEventListener("message", (event) => {
  try {
    // 1. Who sent it? The browser sets event.origin; a sender cannot forge it.
    if (!originAllowed(cfg.trusted, event.origin)) {
      record("safe", "ignored: untrusted origin", event);
      console.warn(`[safe receiver] ignored a message from untrusted origin ${event.origin}`);
      return;
    }
    // 2. Is it a message we understand?
    const reason = check(event.data);
    if (reason) {
      record("safe", "ignored: malformed", event);
      console.warn(`[safe receiver] ignored malformed message from ${event.origin}: ${reason}`);
      return;
    }
    const msg = event.data;
    if (msg.channel !== "safe" || msg.type !== "request") return; // another listener's
    const reply = act("safe", msg);
    record("safe", reply.error ? `accepted, answered error: ${reply.error.message}` : "accepted", event);
    // 3. Answer the sender, at the origin we just checked: if that window
    // has navigated elsewhere since, the browser drops the answer.
    event.source.postMessage({ protocol: PROTOCOL, channel: "safe", type: "response", id: msg.id, ...reply }, event.origin);
  } catch (err) {
    console.warn(`[safe receiver] error while handling a message: ${err}`);
  }
});

// The vulnerable receiver: the same actions, written the way too many
// receivers are. DO NOT COPY.
window.addEventListener("message", (event) => {
  try {
    // BUG, on purpose: no look at event.origin.
    const reason = check(event.data);
    if (reason) {
      record("vulnerable", "ignored: malformed", event);
      console.warn(`[vulnerable receiver] ignored malformed message from ${event.origin}: ${reason}`);
      return;
    }
    const msg = event.data;
    if (msg.channel !== "vulnerable" || msg.type !== "request") return;
    const reply = act("vulnerable", msg);
    record("vulnerable", `accepted (origin not checked)${reply.error ? ", answered error" : ""}`, event);
    // BUG, on purpose: "*" delivers the answer — the token — to whatever
    // document event.source holds, whoever that is.
    event.source.postMessage({ protocol: PROTOCOL, channel: "vulnerable", type: "response", id: msg.id, ...reply }, "*");
  } catch (err) {
    console.warn(`[vulnerable receiver] error while handling a message: ${err}`);
  }
});

// The bridge, parent end: requests go to the iframe (targetOrigin: origin
// B), and only the iframe's window, at origin B, is listened to.
const bridgeRow = logTo($("bridge-log"));
const bridge = endpoint({
  target: () => frame.contentWindow,
  targetOrigin: cfg.frame,
  allow: cfg.trusted,
  channel: "bridge",
  timeout: cfg.timeoutMs,
  name: "[bridge, parent end]",
});
bridge.on("ws.open", (p) => {
  state.bridge.ready = true;
  $("bridge-state").textContent = `open (${p.url})`;
  bridgeRow(["← iframe", `WebSocket open: ${p.url}`]);
});
bridge.on("ws.message", (p) => {
  state.bridge.events.push(p);
  bridgeRow(["← server ← iframe", show(p)]);
});
bridge.on("ws.close", (p) => {
  state.bridge.ready = false;
  state.bridge.closed = p;
  $("bridge-state").textContent = `closed (${p.code})`;
  bridgeRow(["← iframe", `WebSocket closed: ${show(p)}`]);
});

// bridgeRequest asks the server, through the iframe, to upper-case text.
async function bridgeRequest(text) {
  bridgeRow(["→ iframe → server", show({ method: "upper", params: { text } })]);
  try {
    const r = await bridge.request("upper", { text });
    state.bridge.replies.push(r);
    bridgeRow(["← server ← iframe", show(r)]);
    return r;
  } catch (err) {
    bridgeRow(["✗", String(err)], "no");
    throw err;
  }
}
$("bridge-form").addEventListener("submit", (e) => {
  e.preventDefault();
  bridgeRequest($("bridge-text").value).catch(() => {}); // shown in the log
});

// tryDirectSocket opens the bridge's WebSocket from this page, origin A.
// The server's OriginPolicy admits only origin B, so the handshake gets 403
// and the browser reports close code 1006 — it never shows the status.
function tryDirectSocket() {
  return new Promise((resolve) => {
    let opened = false;
    const ws = new WebSocket(cfg.webSocket);
    ws.onopen = () => { opened = true; ws.close(1000); };
    ws.onerror = () => {};
    ws.onclose = (e) => {
      const r = { opened, code: e.code };
      $("direct-ws-result").textContent = opened ? "opened (unexpected!)" : `refused: close code ${e.code} (the server answered 403)`;
      resolve(r);
    };
  });
}
$("direct-ws").addEventListener("click", () => tryDirectSocket());

// Load the iframe only now that every listener is in place, so no message
// from it can arrive before we listen.
frame.src = frame.dataset.src;
