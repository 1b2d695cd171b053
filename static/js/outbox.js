// The phone's offline memory, shared by the pages and the service worker (importScripts): saved
// copies of pages (Cache API), drafts and the outbox (IndexedDB), and the one way to replay what
// waits, so a page and the worker follow the same rules. The pages' own part (the notice, sending
// what waits) is at the end; the forms' part is forms.js. The words come from templates/pwa/_outbox.html.
(function () {
  "use strict";

  const inPage = typeof document !== "undefined";
  const TIMEOUT = 30000; // ms; a replay also gets 1 s per 2 KB it sends (a photo on 2G takes minutes)

  // --- saved copies of pages: one person's (deleted at sign-out), the least recently used out
  const PAGES = "pages";
  const MAX_PAGES = 60;
  const MAX_BYTES = 10 * 1024 * 1024;

  function pageKey(url) {
    const address = new URL(url, self.location.href);
    address.hash = "";
    if (address.searchParams.has("source")) address.searchParams.delete("source"); // the home screen's start URL is /
    return address.href;
  }

  async function keepPage(url, body, headers) {
    const blob = body instanceof Blob ? body : new Blob([body]);
    const kept = new Headers(Object.entries(headers).filter(([, value]) => value));
    if (!kept.has("X-Fetched-At")) kept.set("X-Fetched-At", new Date().toISOString()); // kept when only used again
    kept.set("X-Size", blob.size);
    const cache = await caches.open(PAGES);
    await cache.put(pageKey(url), new Response(blob, { headers: kept }));
    // A put moves the page to the end of the cache's order: the first ones are the least recently used.
    const keys = await cache.keys();
    const sizes = await Promise.all(keys.map((key) => cache.match(key).then((r) => +r.headers.get("X-Size") || 0)));
    let total = sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < keys.length - 1 && (keys.length - i > MAX_PAGES || total > MAX_BYTES); i++) {
      total -= sizes[i];
      await cache.delete(keys[i]);
    }
  }

  const keptPage = (url) => caches.open(PAGES).then((cache) => cache.match(pageKey(url)));

  async function timed(url, options, ms) {
    const control = new AbortController();
    const timer = setTimeout(() => control.abort(), ms);
    try {
      return await fetch(url, Object.assign({ credentials: "same-origin", signal: control.signal }, options));
    } finally {
      clearTimeout(timer);
    }
  }

  // Stored on purpose ("Download today's work"): the full page or file, with what it needs to open.
  async function download(url) {
    const response = await timed(url, {}, TIMEOUT * 10);
    if (!response.ok) throw new Error(response.status);
    const names = ["Content-Type", "Content-Security-Policy", "Content-Disposition"];
    const headers = {};
    names.forEach((name) => (headers[name] = response.headers.get(name)));
    await keepPage(response.url, await response.blob(), headers);
  }

  // --- ids made on the phone: a draft's key never comes from a page (a saved copy keeps a spent one)
  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => (b + 256).toString(16).slice(1)).join("");
  }

  // --- drafts (being written, waiting, refused) and what was sent, in IndexedDB
  let database = null;
  const done = (request) =>
    new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });

  async function table(name, change) {
    if (!database) {
      const opening = indexedDB.open("jamaati", 2);
      opening.onupgradeneeded = () =>
        ["drafts", "sent"].forEach((store) => opening.result.objectStoreNames.contains(store) || opening.result.createObjectStore(store, { keyPath: "key" }));
      database = done(opening);
    }
    const store = (await database).transaction(name, change ? "readwrite" : "readonly").objectStore(name);
    const result = await done(change ? change(store) : store.getAll());
    if (change && inPage) document.dispatchEvent(new Event("outbox:changed"));
    return result;
  }

  const text = (html) =>
    html
      .replace(/<[^>]*>/g, "")
      .replace(/&(#\d+|amp|lt|gt|quot);/g, (_, e) => (e[0] === "#" ? String.fromCharCode(e.slice(1)) : { amp: "&", lt: "<", gt: ">", quot: '"' }[e]))
      .replace(/\s+/g, " ")
      .trim();

  function problemsIn(html) {
    // Our own markup, read without DOMParser (a worker has none): the form's error summary, or
    // the complaints already reported nearby.
    const summary = html.split('class="error-summary"')[1];
    if (summary) return (summary.split("</ul>")[0].match(/<li>[\s\S]*?<\/li>/g) || []).map(text);
    const nearby = html.match(/id="duplicates-title">([^<]*)/);
    const references = html.match(/data-nearby="[^"]*"/g) || [];
    return nearby ? [`${text(nearby[1])} ${references.map((r) => r.slice(13, -1)).join(", ")}`] : [];
  }

  const accepted = (url, action) => !["/signin", new URL(action).pathname].includes(new URL(url).pathname);
  const about = (draft) => ({ key: draft.key, title: draft.title, summary: draft.summary, page: draft.page, problems: draft.problems, signin: draft.signin });

  async function tried(draft, outcome, status) {
    draft.tried = { at: new Date().toISOString(), outcome: outcome, status: status };
    await table("drafts", (store) => store.put(draft));
    return { outcome: outcome, status: status, draft: about(draft) };
  }

  async function send(draft, token, announced) {
    const body = new FormData();
    let size = 0;
    draft.fields.forEach(([name, value]) => {
      body.append(name, value);
      size += value.size || value.length;
    });
    body.append("csrf_token", token);
    let response;
    try {
      response = await timed(draft.action, { method: "POST", body: body }, TIMEOUT + size / 2);
    } catch (error) {
      return tried(draft, error.name === "AbortError" ? "timeout" : "offline");
    }
    if (response.status >= 500 || response.status === 429) return tried(draft, "later", response.status);
    if (response.ok && response.redirected && accepted(response.url, draft.action)) {
      const sent = Object.assign(about(draft), { account: draft.account, receipt: response.url, sent: new Date().toISOString(), announced: announced });
      await table("sent", (store) => store.put(sent));
      await table("drafts", (store) => store.delete(draft.key));
      return { outcome: "sent", draft: sent };
    }
    const signin = new URL(response.url).pathname === "/signin";
    return refuse(draft, signin, signin ? [] : problemsIn(await response.text()));
  }

  async function refuse(draft, signin, problems) {
    // Refused: the draft goes back to its form with what to fix.
    Object.assign(draft, { queued: false, signin: signin, problems: problems });
    await table("drafts", (store) => store.put(draft));
    return { outcome: "refused", draft: about(draft) };
  }

  // The one way to send what waits: from a page (on load, online, submit) or the worker (sync).
  // One replay at a time on the phone (a Web Lock where there is one), each with a timeout; the
  // session's account decides whose drafts go. Answers what happened to each, for the notice.
  function replay(announced) {
    const run = async () => {
      const waiting = (await table("drafts")).filter((draft) => draft.queued);
      if (!waiting.length) return [];
      let answer;
      try {
        answer = await timed("/csrf-token", {}, TIMEOUT); // the form's token may be days old, its session gone
      } catch (error) {
        return waiting.map((draft) => ({ outcome: "offline", draft: about(draft) }));
      }
      if (!answer.ok) return [{ outcome: "later", status: answer.status, draft: {} }];
      const token = await answer.text();
      const account = answer.headers.get("X-Account") || "";
      const outcomes = [];
      for (const draft of waiting.filter((d) => d.account === account || !account)) {
        // Its writer's session has ended: never sent as someone else (a guest); sign in again first.
        const outcome = draft.account !== account ? await refuse(draft, true, []) : await send(draft, token, announced);
        outcomes.push(outcome);
        if (outcome.outcome === "later") break; // the server is busy: the rest later, in order
      }
      return outcomes;
    };
    return self.navigator.locks ? navigator.locks.request("jamaati-outbox", run) : run();
  }

  self.jamaatiOffline = { keepPage: keepPage, keptPage: keptPage, download: download, replay: replay };
  if (!inPage || !self.indexedDB) return;

  // --- the pages' part: the outbox notice, and sending what waits --------------------------------
  const account = () => (document.querySelector("[data-account]") || { dataset: {} }).dataset.account || "";
  const newest = (item) => item.sent || item.saved;
  const mine = async (name) => (await table(name)).filter((d) => d.account === account()).sort((a, b) => (newest(a) < newest(b) ? 1 : -1));
  const words = () => document.querySelector("[data-outbox]").dataset;
  const fill = (template, values) => template.replace(/%\((\w+)\)s/g, (_, key) => values[key]);
  const when = (iso) => new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
  const label = (draft) => (draft.summary ? `${draft.title} — ${draft.summary}` : draft.title || "");
  const add = (parent, tag, content) => Object.assign(parent.appendChild(document.createElement(tag)), { textContent: content || "" });

  // The notice: one line per outcome, each with what to do (the words are the page's).
  function say(lines, focus) {
    const box = document.querySelector("[data-outbox]");
    if (!box) return;
    box.replaceChildren();
    lines.forEach((line) => {
      add(box, "p", fill(words()[line[0]], line[1]));
      const list = line[2] && line[2].length && add(box, "ul");
      if (list) line[2].forEach((item) => add(list, "li", item));
      if (line[3]) add(add(box, "p"), "a", words()[line[3][1]]).href = line[3][0];
    });
    box.hidden = !lines.length;
    if (focus) box.focus(); // an outcome: into view, read out
  }

  const refusedLine = (draft, link) => ["refused", { title: label(draft) }, draft.signin ? [words().signin] : draft.problems.length ? draft.problems : [words().check], link && [`${draft.page}#draft-${draft.key}`, "open"]];

  function lineFor(outcome, foreground) {
    const draft = outcome.draft;
    const title = { title: label(draft), status: outcome.status };
    if (outcome.outcome === "sent") return ["sent", title, null, [draft.receipt, "receipt"]];
    if (outcome.outcome === "refused") return refusedLine(draft, draft.key !== foreground);
    if (outcome.outcome === "timeout") return ["timeout", title];
    if (outcome.outcome === "later") return ["later", title];
  }

  async function show(outcomes, foreground) {
    if (!document.querySelector("[data-outbox]")) return; // the "No connection" page
    const lines = outcomes.map((outcome) => lineFor(outcome, foreground)).filter(Boolean);
    const waiting = outcomes.filter((o) => o.outcome === "offline").length;
    if (waiting && !foreground) lines.push(["waiting", { num: (await mine("drafts")).filter((d) => d.queued).length }, null, ["/drafts", "myDrafts"]]);
    if (lines.length) say(lines, true);
    // Sent while no page was open (the worker, on Background Sync): said once, here.
    for (const outcome of outcomes) if (outcome.outcome === "sent") await table("sent", (store) => store.put(Object.assign(outcome.draft, { announced: true })));
  }

  let retry = null;
  let backoff = 15000;

  async function flush(foreground) {
    clearTimeout(retry);
    try {
      const outcomes = await replay(true);
      // Signal, but a send cut off or refused for now (2G, a busy server): again soon, then less often.
      const again = navigator.onLine && outcomes.some((o) => !["sent", "refused"].includes(o.outcome));
      backoff = again ? Math.min(backoff * 2, 300000) : 15000;
      if (again) retry = setTimeout(flush, backoff / 2);
      const unsaid = (await mine("sent")).filter((sent) => !sent.announced).map((sent) => ({ outcome: "sent", draft: sent }));
      const ours = outcomes.find((o) => o.outcome === "sent" && o.draft.key === foreground);
      if (ours) return location.assign(ours.draft.receipt);
      await show(outcomes.concat(unsaid), foreground);
      return outcomes;
    } catch (error) {
      say([["failed", { error: error.message || error }]], true); // never swallowed
      return [];
    }
  }

  // What the forms' part (forms.js, loaded only by pages with such a form) builds on.
  Object.assign(self.jamaatiOffline, { table, mine, newKey, label, say, refusedLine, when, fill, add, words, flush, accepted, account });
  window.addEventListener("online", () => flush());
  // The worker sent the outbox (Background Sync): what happened, said here.
  if (navigator.serviceWorker) navigator.serviceWorker.addEventListener("message", (event) => event.data.outbox && show(event.data.outbox.filter((o) => o.outcome !== "offline")));
  flush();
})();
