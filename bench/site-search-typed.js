// Times the site's first search as an engineer makes it: headless Chromium opens SITE/search.html
// from file:// with an empty box, the page settles, then the query goes into the box with one
// `input` event (a paste). Prints the page's own figure (data-search-ms: from the input to
// results on screen) and the index files the page loaded for it. One fresh browser per run.
//
//   node --experimental-websocket bench/site-search-typed.js SITE QUERY [RUNS]
//
// Talks to Chromium over the DevTools protocol (Runtime.evaluate), so nothing is added to the page.
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");

const [site, query, runsText] = process.argv.slice(2);
const runs = Number(runsText || 3);
const SETTLE_MS = 1000;
const PORT = 9300 + (process.pid % 500);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function pageSocket() {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const targets = await (await fetch(`http://127.0.0.1:${PORT}/json/list`)).json();
      const page = targets.find((t) => t.type === "page");
      if (page) { return page.webSocketDebuggerUrl; }
    } catch (e) { /* not up yet */ }
    await sleep(50);
  }
  throw new Error("Chromium did not open its DevTools port");
}

function client(url) {
  const socket = new WebSocket(url);
  let id = 0;
  const pending = new Map();
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.id && pending.has(message.id)) { pending.get(message.id)(message); pending.delete(message.id); }
  };
  const opened = new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject; });
  return {
    opened,
    close: () => socket.close(),
    evaluate: (expression) => new Promise((resolve) => {
      const n = ++id;
      pending.set(n, (m) => resolve(m.result && m.result.result ? m.result.result.value : undefined));
      socket.send(JSON.stringify({ id: n, method: "Runtime.evaluate", params: { expression, returnByValue: true } }));
    }),
  };
}

async function once() {
  const url = "file://" + path.resolve(site) + "/search.html";
  const browser = spawn("chromium", ["--headless", "--no-sandbox", "--disable-gpu", `--remote-debugging-port=${PORT}`,
    "--user-data-dir=" + fs.mkdtempSync("/tmp/rb-chromium-"), url], { stdio: "ignore" });
  try {
    const cdp = client(await pageSocket());
    await cdp.opened;
    while ((await cdp.evaluate("document.readyState")) !== "complete") { await sleep(20); }
    await sleep(SETTLE_MS);
    await cdp.evaluate(`(function () { var box = document.getElementById("rb-search-page");
      box.value = ${JSON.stringify(query)}; box.dispatchEvent(new Event("input", { bubbles: true })); })()`);
    let ms;
    for (let i = 0; i < 250 && !ms; i++) {
      await sleep(20);
      ms = await cdp.evaluate('document.documentElement.getAttribute("data-search-ms")');
    }
    const files = (await cdp.evaluate('document.documentElement.getAttribute("data-search-files")')) || "";
    cdp.close();
    const bytes = files.split(" ").filter(Boolean).reduce((sum, f) => sum + fs.statSync(path.join(site, f)).size, 0);
    return { ms: ms ? Number(ms) : null, bytes };
  } finally {
    browser.kill("SIGKILL");
    await sleep(200);
  }
}

(async () => {
  const times = [];
  for (let r = 0; r < runs; r++) {
    const { ms, bytes } = await once();
    if (ms !== null) { times.push(ms); }
    console.log(`  typed        ${JSON.stringify(query.slice(0, 44)).padEnd(46)} ${ms === null ? "?" : ms.toFixed(1).padStart(7)} ms  ${(bytes / 1024).toFixed(0).padStart(7)} KiB loaded`);
  }
  times.sort((a, b) => a - b);
  if (times.length) {
    const mid = times.length >> 1;
    const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
    console.log(`  typed        ${("median of " + times.length).padEnd(46)} ${median.toFixed(1).padStart(7)} ms`);
  }
})().catch((e) => { console.error(e.message); process.exit(1); });
