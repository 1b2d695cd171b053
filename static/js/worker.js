// Jamaati's service worker. /sw.js (templates/pwa/sw.js) gives its settings and imports this file
// after outbox.js, whose saved copies of pages and outbox it shares with the pages.
// The shell (CSS, JS, icons, the offline page) is precached; pages come from the network first and
// a copy is kept, so a page already seen stays readable offline, and when the server fails (5xx).
(function () {
  "use strict";

  const settings = self.JAMAATI;
  const offline = self.jamaatiOffline;
  const SHELL = `shell-${settings.version}`;
  const isPage = (response) => (response.headers.get("Content-Type") || "").startsWith("text/html");

  self.addEventListener("install", (event) => {
    event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(settings.shell)).then(() => self.skipWaiting()));
  });

  self.addEventListener("activate", (event) => {
    // A new version takes over at once; open pages keep working (nothing is reloaded, a form
    // being filled keeps its answers and its draft) and old shells are dropped.
    event.waitUntil(
      caches
        .keys()
        .then((keys) => Promise.all(keys.filter((key) => key.startsWith("shell-") && key !== SHELL).map((key) => caches.delete(key))))
        .then(() => self.clients.claim())
    );
  });

  self.addEventListener("message", (event) => event.data === "claim" && event.waitUntil(self.clients.claim()));

  self.addEventListener("fetch", (event) => {
    const request = event.request;
    const url = new URL(request.url);
    if (request.method !== "GET" || url.origin !== self.location.origin) return;
    if (url.pathname.startsWith("/static/")) event.respondWith(cacheFirst(request));
    else if (request.mode === "navigate") event.respondWith(networkFirst(event));
    // Tapped links (htmx) are kept by the page itself (app.js), which has the whole page at hand.
  });

  async function cacheFirst(request) {
    const cached = await caches.match(request);
    if (cached) return cached;
    // Offline, a page copied before an update names the old versions: the current ones serve it.
    const response = await fetch(request).catch(() => caches.match(request, { ignoreSearch: true }));
    if (response && response.ok && new URL(request.url).searchParams.has("v")) {
      const cache = await caches.open(SHELL);
      cache.put(request, response.clone());
    }
    return response;
  }

  async function networkFirst(event) {
    const request = event.request;
    let response = null;
    try {
      response = await fetch(request);
    } catch (error) {
      // no connection: the saved copy, below
    }
    if (response && response.status < 500) {
      if (response.ok && isPage(response)) {
        // Navigations are full pages, never htmx fragments, so the key is the page's own URL.
        const headers = { "Content-Type": response.headers.get("Content-Type"), "Content-Security-Policy": response.headers.get("Content-Security-Policy") };
        event.waitUntil(response.clone().blob().then((body) => offline.keepPage(request.url, body, headers)));
      }
      return response;
    }
    // No connection, or the server failing (5xx): the saved copy, else the server's own error page
    // or "No connection".
    const copy = await offline.keptPage(request.url);
    if (copy) return markedAsCopy(event, copy);
    return response || (await caches.match(settings.offline)) || Response.error();
  }

  async function markedAsCopy(event, cached) {
    event.waitUntil(offline.keepPage(event.request.url, await cached.clone().blob(), Object.fromEntries(cached.headers))); // used: the last one out
    if (!isPage(cached)) return cached;
    // The page says when it was fetched (app.js shows it in the reader's language). A page that
    // kept itself (app.js) has no policy of its own: the shell's is the same for every page.
    const fetchedAt = cached.headers.get("X-Fetched-At") || "";
    const body = (await cached.text()).replace("<html ", `<html data-offline-copy="${fetchedAt}" `);
    const shell = await caches.match(settings.offline);
    const policy = cached.headers.get("Content-Security-Policy") || (shell && shell.headers.get("Content-Security-Policy"));
    return new Response(body, { headers: { "Content-Type": cached.headers.get("Content-Type"), "Content-Security-Policy": policy } });
  }

  // Background Sync (Chromium only): the connection is back. The worker sends the outbox itself,
  // so it goes with no page open, by the same rules as the pages (outbox.js); open pages are told.
  self.addEventListener("sync", (event) => {
    if (event.tag !== "outbox") return;
    event.waitUntil(
      offline.replay(false).then(async (outcomes) => {
        const pages = await self.clients.matchAll({ type: "window" });
        pages.forEach((page) => page.postMessage({ outbox: outcomes }));
        // Still waiting (no connection, the server busy): failing asks the browser to try again later.
        if (outcomes.some((o) => o.outcome !== "sent" && o.outcome !== "refused")) throw new Error("the outbox still waits");
      })
    );
  });

  // --- push (notifications) ---
  // The server renders each push in the device's language: {title, body, dir, lang, url, tag}.
  self.addEventListener("push", (event) => {
    let data = {};
    try {
      data = event.data ? event.data.json() : {};
    } catch (error) {
      return; // not one of ours
    }
    event.waitUntil(
      self.registration.showNotification(data.title || "", {
        body: data.body || "", dir: data.dir || "auto", lang: data.lang || "", tag: data.tag,
        icon: "/static/icons/icon-192.png", data: { url: data.url || "/" },
      })
    );
  });

  self.addEventListener("notificationclick", (event) => {
    event.notification.close();
    const target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
    const url = target.origin === self.location.origin ? target.href : "/"; // never another site
    event.waitUntil(
      self.clients.matchAll({ type: "window" }).then((windows) => {
        const open = windows.find((client) => "navigate" in client);
        return open ? open.navigate(url).then((client) => client && client.focus()) : self.clients.openWindow(url);
      })
    );
  });
})();
