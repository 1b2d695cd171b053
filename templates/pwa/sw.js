// Jamaati's service worker, version {{ version }}.
{#- Jinja comments like this one are for the source only: they cost the phone no bytes.
    Served from /sw.js so it controls every page. The shell (CSS, JS, icons, the offline page)
    is precached; pages are fetched from the network first and a copy is kept, so a page already
    seen stays readable offline. That copy is one person's: the page script deletes it at
    sign-out or when another account signs in. #}
"use strict";

const SHELL = "shell-{{ version }}";
const PAGES = "pages";
const SHELL_URLS = {{ shell | tojson }};
const OFFLINE = {{ offline | tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_URLS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  {#- A new version takes over at once; open pages keep working (nothing is reloaded, a form
      being filled keeps its answers and its draft) and old shells are dropped. #}
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("shell-") && key !== SHELL).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirst(request));
  }
});

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  {#- Offline, a page copied before an update names the old versions: the current ones serve it. #}
  const response = await fetch(request).catch(() => caches.match(request, { ignoreSearch: true }));
  if (response?.ok && new URL(request.url).searchParams.has("v")) {
    const cache = await caches.open(SHELL);
    cache.put(request, response.clone());
  }
  return response;
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    const html = (response.headers.get("Content-Type") || "").startsWith("text/html");
    if (response.ok && html && !response.redirected) {
      {#- Navigations are full pages, never htmx fragments, so the key is the page's own URL. #}
      const copy = new Response(await response.clone().blob(), {
        status: response.status,
        headers: { "Content-Type": response.headers.get("Content-Type"), "Content-Security-Policy": response.headers.get("Content-Security-Policy"), "X-Fetched-At": new Date().toISOString() },
      });
      const cache = await caches.open(PAGES);
      await cache.put(request.url, copy);
    }
    return response;
  } catch (error) {
    const cached = await caches.match(request.url, { cacheName: PAGES });
    if (cached) return markedAsCopy(cached);
    return (await caches.match(OFFLINE)) || Response.error();
  }
}

{#- Background Sync (Chromium only): the connection is back, so the open pages send their
    outbox. The pages do the sending (outbox.js), also on load and when online: one way to replay. #}
self.addEventListener("sync", (event) => {
  if (event.tag !== "outbox") return;
  event.waitUntil(self.clients.matchAll({ type: "window" }).then((pages) => pages.forEach((page) => page.postMessage("outbox"))));
});

async function markedAsCopy(cached) {
  {#- The page says when it was fetched (app.js shows it in the reader's language). #}
  const fetchedAt = cached.headers.get("X-Fetched-At") || "";
  const body = (await cached.text()).replace("<html ", `<html data-offline-copy="${fetchedAt}" `);
  return new Response(body, { headers: cached.headers });  {#- ours (above): its type and its policy #}
}

// --- push (notifications) ---
// The server renders each push in the device's language: {title, body, dir, lang, url, tag}.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    return; // not one of ours
  }
  event.waitUntil(self.registration.showNotification(data.title || "", {
    body: data.body || "", dir: data.dir || "auto", lang: data.lang || "", tag: data.tag,
    icon: "/static/icons/icon-192.png", data: { url: data.url || "/" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  const url = target.origin === self.location.origin ? target.href : "/"; // never another site
  event.waitUntil(self.clients.matchAll({ type: "window" }).then((windows) => {
    const open = windows.find((client) => "navigate" in client);
    return open ? open.navigate(url).then((client) => client && client.focus()) : self.clients.openWindow(url);
  }));
});
