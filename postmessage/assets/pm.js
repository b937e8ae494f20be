// pm.js — wirelab's request/response helper for window.postMessage, served
// as a JavaScript module by every origin of the lab (import "/pm.js").
//
// postMessage delivers one message to one window and forgets it: no reply,
// no error, no timeout. Libraries such as penpal and post-robot add those on
// top, and so does this module, in about a hundred lines:
//
//   - every message is a plain object with a fixed shape (check),
//   - a request carries an id; its response carries the same id,
//   - a request that gets no response in time fails with a TimeoutError,
//   - incoming messages are accepted only from the window we talk to and
//     only from an origin on the allow-list,
//   - outgoing messages always name the receiver's origin (targetOrigin);
//     "*" is refused.
//
// The wire format ("wirelab-pm/1"):
//
//   {protocol: "wirelab-pm/1", channel: "safe", type: "request",  id: "safe-1-k3", method: "greet", params: {name: "B"}}
//   {protocol: "wirelab-pm/1", channel: "safe", type: "response", id: "safe-1-k3", result: {greeting: "hello, B"}}
//   {protocol: "wirelab-pm/1", channel: "safe", type: "response", id: "safe-1-k3", error: {message: "..."}}
//   {protocol: "wirelab-pm/1", channel: "bridge", type: "event", method: "ws.push", params: {text: "..."}}
//
// A malformed message is ignored with a console warning. Nothing in this
// module throws while handling a message: a page's message listener must
// survive whatever another window sends it.

export const PROTOCOL = "wirelab-pm/1";

const TYPES = ["request", "response", "event"];
const MAX_NAME = 64;

// config reads the JSON block the Go server rendered into the page: the
// page's own origin, its allow-list (RFC 6454 serialisations, the same
// strings the browser puts in event.origin), and the other origins it needs.
export function config() {
  const el = document.getElementById("wirelab-config");
  return JSON.parse(el.textContent);
}

function isPlainObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v) &&
    (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
}

function isName(v) {
  return typeof v === "string" && v.length > 0 && v.length <= MAX_NAME;
}

// check returns why data is not a well-formed message, or "" if it is.
// It reads only own, plain data: the structured clone that postMessage
// delivers has no getters or prototypes that could run code.
export function check(data) {
  if (!isPlainObject(data)) {
    return `not an object (got ${describeValue(data)})`;
  }
  if (data.protocol !== PROTOCOL) {
    return `protocol is ${JSON.stringify(data.protocol)}, want ${JSON.stringify(PROTOCOL)}`;
  }
  if (!isName(data.channel)) {
    return "channel must be a string of 1 to 64 characters";
  }
  if (!TYPES.includes(data.type)) {
    return `type is ${JSON.stringify(data.type)}, want one of ${TYPES.join(", ")}`;
  }
  if (data.type !== "event" && !isName(data.id)) {
    return `a ${data.type} needs an id, a string of 1 to 64 characters`;
  }
  if (data.type !== "response") {
    if (!isName(data.method)) {
      return `a ${data.type} needs a method, a string of 1 to 64 characters`;
    }
    if (data.params !== undefined && !isPlainObject(data.params)) {
      return `params must be an object (got ${describeValue(data.params)})`;
    }
  } else {
    const hasResult = Object.hasOwn(data, "result");
    const hasError = Object.hasOwn(data, "error");
    if (hasResult === hasError) {
      return "a response needs exactly one of result and error";
    }
    if (hasError && !(isPlainObject(data.error) && typeof data.error.message === "string")) {
      return "error must be an object with a string message";
    }
  }
  return "";
}

export function describeValue(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  return typeof v === "object" ? `an object of class ${Object.prototype.toString.call(v).slice(8, -1)}` : `${typeof v} ${String(v)}`;
}

// show renders a message for a log line, whatever it is.
export function show(data) {
  try {
    const s = JSON.stringify(data);
    if (s === undefined) return String(data);
    return s.length > 300 ? s.slice(0, 300) + "…" : s;
  } catch {
    return describeValue(data);
  }
}

// originAllowed is the allow-list check: event.origin is the serialised
// origin of the sender, set by the browser; the sender cannot forge it.
export function originAllowed(allow, origin) {
  return Array.isArray(allow) && allow.includes(origin);
}

// describeSource names event.source: the WindowProxy of the sender, the
// only way to answer it. known is a list of [window, name] pairs.
export function describeSource(source, known = []) {
  if (source === null) return "null (the sender is gone)";
  for (const [win, name] of known) {
    if (win && source === win) return name;
  }
  if (source === window) return "window (this page itself)";
  if (source === window.parent && window.parent !== window) return "window.parent";
  if (source === window.opener) return "window.opener";
  return "a WindowProxy of another window";
}

export class TimeoutError extends Error {
  constructor(method, ms) {
    super(`no response to ${JSON.stringify(method)} within ${ms} ms`);
    this.name = "TimeoutError";
  }
}

export class RemoteError extends Error {
  constructor(method, message) {
    super(`${method}: ${message}`);
    this.name = "RemoteError";
  }
}

let counter = 0;

function newID(channel) {
  counter++;
  return `${channel}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

// endpoint talks to one window on one channel.
//
//   const ep = endpoint({target: iframe.contentWindow, targetOrigin: cfg.frame,
//                        allow: cfg.trusted, channel: "bridge"});
//   ep.handle("ping", (params, event) => ({pong: true}));
//   const result = await ep.request("upper", {text: "hi"});   // or a TimeoutError
//
// target is the window to post to (a function returning it, if it changes);
// targetOrigin the origin it must have for the message to be delivered;
// allow the origins whose messages are accepted. Messages on other channels
// are left to the listeners they are for; messages from another window, or
// from an origin not on the list, are ignored (with a warning when
// warnForeign is set); malformed ones from the right window and origin are
// ignored with a warning (unless warnMalformed is false, for a page with
// several endpoints on one window, where one warning is enough).
export function endpoint({ target, targetOrigin, allow, channel, timeout = 2000, name = `[${channel}]`, warnForeign = false, warnMalformed = true, onMessage }) {
  if (typeof targetOrigin !== "string" || targetOrigin === "*" || targetOrigin === "") {
    // A programming error, not a message: fail loudly at construction.
    throw new TypeError(`${name} targetOrigin must be an explicit origin, not ${JSON.stringify(targetOrigin)}`);
  }
  const win = typeof target === "function" ? target : () => target;
  const pending = new Map(); // id → {resolve, reject, timer, method}
  const handlers = new Map(); // method → fn(params, event)
  const eventHandlers = new Map(); // method → fn(params, event)

  function post(msg) {
    const w = win();
    if (!w) {
      console.warn(`${name} has no window to post to`);
      return false;
    }
    // targetOrigin: the browser delivers the message only if the target
    // window's document still has this origin (it may have navigated).
    w.postMessage({ protocol: PROTOCOL, channel, ...msg }, targetOrigin);
    return true;
  }

  function listener(event) {
    try {
      if (event.source !== win()) {
        if (warnForeign) console.warn(`${name} ignored a message from another window (origin ${event.origin})`);
        return;
      }
      if (!originAllowed(allow, event.origin)) {
        if (warnForeign) console.warn(`${name} ignored a message from untrusted origin ${event.origin}`);
        return;
      }
      const reason = check(event.data);
      if (reason) {
        if (warnMalformed) console.warn(`${name} ignored malformed message from ${event.origin}: ${reason}`);
        return;
      }
      const msg = event.data;
      if (msg.channel !== channel) return; // for another listener
      if (onMessage) onMessage(msg, event);
      switch (msg.type) {
        case "response": {
          const p = pending.get(msg.id);
          if (!p) {
            console.warn(`${name} ignored a response to unknown or expired request ${msg.id}`);
            return;
          }
          pending.delete(msg.id);
          clearTimeout(p.timer);
          if (Object.hasOwn(msg, "error")) p.reject(new RemoteError(p.method, msg.error.message));
          else p.resolve(msg.result);
          return;
        }
        case "request":
          answer(msg, event);
          return;
        case "event": {
          const h = eventHandlers.get(msg.method);
          if (h) h(msg.params || {}, event);
          else console.warn(`${name} ignored event ${JSON.stringify(msg.method)}: no handler`);
          return;
        }
      }
    } catch (err) {
      // A bug in a handler must not escape into the page as an exception.
      console.warn(`${name} error while handling a message: ${err}`);
    }
  }

  async function answer(msg, event) {
    const reply = { type: "response", id: msg.id };
    const h = handlers.get(msg.method);
    try {
      if (!h) throw new Error(`unknown method ${JSON.stringify(msg.method)}`);
      reply.result = (await h(msg.params || {}, event)) ?? null;
    } catch (err) {
      reply.error = { message: String(err && err.message || err) };
    }
    // Answer the window that asked, at the origin it had when it asked.
    // ("null", an opaque origin, cannot be named as a targetOrigin: such a
    // sender could only be answered with "*", so it gets no answer.)
    try {
      if (!event.source) throw new Error("the sender is gone");
      event.source.postMessage({ protocol: PROTOCOL, channel, ...reply }, event.origin);
    } catch (err) {
      console.warn(`${name} could not answer ${msg.id}: ${err}`);
    }
  }

  window.addEventListener("message", listener);

  return {
    channel,
    pending,
    request(method, params = {}, opts = {}) {
      const ms = opts.timeout ?? timeout;
      const id = newID(channel);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new TimeoutError(method, ms));
        }, ms);
        pending.set(id, { resolve, reject, timer, method });
        if (!post({ type: "request", id, method, params })) {
          clearTimeout(timer);
          pending.delete(id);
          reject(new Error(`${name} has no window to post to`));
        }
      });
    },
    notify(method, params = {}) {
      return post({ type: "event", method, params });
    },
    handle(method, fn) {
      handlers.set(method, fn);
    },
    on(method, fn) {
      eventHandlers.set(method, fn);
    },
    close() {
      window.removeEventListener("message", listener);
      for (const [, p] of pending) {
        clearTimeout(p.timer);
        p.reject(new Error(`${name} was closed`));
      }
      pending.clear();
    },
  };
}

// logTo returns a function that appends a row to a <table>'s body.
export function logTo(tbody, limit = 50) {
  return (cells, cls = "") => {
    const tr = document.createElement("tr");
    if (cls) tr.className = cls;
    for (const c of cells) {
      const td = document.createElement("td");
      td.textContent = c; // never innerHTML: the data is untrusted
      tr.appendChild(td);
    }
    tbody.prepend(tr);
    while (tbody.rows.length > limit) tbody.deleteRow(-1);
  };
}
