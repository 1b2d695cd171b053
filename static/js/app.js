// Jamaati's own small script. Everything works without it; it only adds conveniences.
// Behaviour hangs on data-* attributes and is set up on htmx:load, so swapped-in parts get it too.
(function () {
  "use strict";

  if (typeof document === "undefined") return; // built with outbox.js, which the service worker imports
  const offline = window.jamaatiOffline; // outbox.js: saved pages, drafts, the outbox
  const script = document.currentScript; // names forms.js (data-forms), loaded where a page needs it
  const fill = (template, values) => template.replace(/%\((\w+)\)s/g, (_, key) => values[key]);
  const when = (iso, style) => new Intl.DateTimeFormat(document.documentElement.lang, style || { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));

  // --- every page seen is kept for offline reading (outbox.js bounds it, sign-out deletes it).
  // Pages loaded in full are kept by the service worker. A tapped link is an htmx request answered
  // with the page without its <head>, and the very first visit happens before the worker controls
  // the page: for both, the page keeps itself, put together from what it already has — no byte
  // more over 2G (the worker fetching the full page again would cost every tap twice).
  const html = (head, body) => {
    const root = document.documentElement;
    return `<!doctype html><html lang="${root.lang}" dir="${root.dir}">${head}<body hx-boost="true">${body}</body></html>`;
  };
  const PAGE = "text/html; charset=utf-8";
  const worker = navigator.serviceWorker;
  const visit = performance.getEntriesByType("navigation")[0] || {};
  if (offline && worker && !worker.controller && [undefined, 200].includes(visit.responseStatus)) {
    // The page as the server sent it, before any script changed it.
    const first = [location.href, `<!doctype html>${document.documentElement.outerHTML}`];
    worker.addEventListener("controllerchange", () => offline.keepPage(first[0], first[1], { "Content-Type": PAGE }), { once: true });
  }

  function keepTapped(event) {
    const detail = event.detail;
    const xhr = detail.xhr;
    if (!detail.boosted || !detail.successful || xhr.status !== 200 || xhr.getResponseHeader("HX-Redirect")) return;
    // A form's answer is a page to open again only where it led (a redirect), never under the form's address.
    if (detail.requestConfig.verb !== "get" && detail.pathInfo.responsePath === detail.pathInfo.finalRequestPath) return;
    const answer = xhr.responseText;
    const title = (answer.match(/^\s*<title>[\s\S]*?<\/title>/) || [""])[0];
    const head = document.head.outerHTML.replace(/<title>[\s\S]*?<\/title>/, (old) => title.trim() || old);
    const headers = { "Content-Type": PAGE, "Content-Security-Policy": xhr.getResponseHeader("Content-Security-Policy") };
    offline.keepPage(xhr.responseURL, html(head, answer.slice(title.length)), headers);
  }

  // Offline, or the server failing, a tapped link gets the service worker's saved copy in full.
  function navigateInFull(event) {
    const detail = event.detail;
    if (!detail.boosted || detail.requestConfig.verb !== "get") return;
    if (event.type === "htmx:beforeRequest" && navigator.onLine) return;
    if (event.type === "htmx:beforeSwap" && detail.xhr.status < 500) return;
    event.preventDefault();
    location.assign(detail.pathInfo.finalRequestPath);
  }
  ["htmx:beforeRequest", "htmx:sendError", "htmx:beforeSwap"].forEach((name) => document.addEventListener(name, navigateInFull));
  if (offline) document.addEventListener("htmx:afterRequest", keepTapped);

  // --- at sign-out, one person's pages (the worker's, htmx's) and pushes go
  function forgetPages() {
    sessionStorage.removeItem("htmx-history-cache");
    if (window.caches) caches.delete("pages");
    if (window.PushManager) worker.ready.then((r) => r.pushManager.getSubscription()).then((s) => s && s.unsubscribe()).catch(Boolean);
  }

  function guardAccount(page) {
    const account = page.dataset.account || "";
    const previous = localStorage.getItem("jamaati-account");
    if (previous !== null && previous !== account) forgetPages();
    localStorage.setItem("jamaati-account", account);
  }

  function offlineBanner(banner) {
    const show = () => (banner.hidden = navigator.onLine);
    window.addEventListener("online", show);
    window.addEventListener("offline", show);
    show();
  }

  function offlineCopyNotice(notice) {
    const fetchedAt = document.documentElement.dataset.offlineCopy;
    if (!fetchedAt) return;
    notice.textContent = fill(notice.dataset.text, { time: when(fetchedAt) });
    notice.hidden = false;
  }

  // The "No connection" page tries again by itself when the signal is back.
  function retryWhenOnline(button) {
    button.hidden = false;
    button.addEventListener("click", () => location.reload());
    // "online" can come before the network carries anything, and a reload then gives this page
    // again: ask the server first (not through the worker), and keep asking, less and less often.
    let wait = 1000;
    let asking = false;
    const ask = () =>
      fetch(location.href, { method: "HEAD", cache: "no-store" })
        .then((response) => (response.status < 500 ? location.reload() : Promise.reject()))
        .catch(() => setTimeout(ask, (wait = Math.min(wait * 2, 30000))));
    const start = () => asking || ((asking = true), ask());
    window.addEventListener("online", start);
    if (navigator.onLine) setTimeout(start, wait);
  }

  // --- "Download today's work" (My day) and "Keep my files on this phone" (a citizen's home): each
  // [data-offline-urls] item names the pages and files it needs; it says whether they are kept.
  function offlineWork(box) {
    const words = box.dataset;
    const button = box.querySelector("button");
    const status = box.querySelector("[data-offline-status]");
    const items = Array.from(document.querySelectorAll("[data-offline-urls]"));
    const urlsOf = (item) => item.dataset.offlineUrls.split(" ");
    const check = () =>
      Promise.all(items.map(async (item) => {
        const copies = await Promise.all(urlsOf(item).map(offline.keptPage));
        const times = copies.map((copy) => copy && copy.headers.get("X-Fetched-At")).sort();
        const kept = times.every(Boolean);
        item.textContent = kept ? fill(words.kept, { time: when(times[0]) }) : words.missing;
        item.classList.toggle("offline-kept", kept);
        return kept;
      })).then((kept) => (box.querySelector("[data-offline-summary]").textContent = fill(words.summary, { kept: kept.filter(Boolean).length, total: kept.length })));
    button.hidden = false;
    button.addEventListener("click", async () => {
      const urls = [].concat(...items.map(urlsOf));
      const failed = [];
      button.disabled = true;
      for (const [index, url] of urls.entries()) {
        status.textContent = fill(words.progress, { done: index + 1, total: urls.length });
        await offline.download(url).catch((error) => failed.push(error)); // one missing file does not stop the others
      }
      button.disabled = false;
      status.textContent = failed.length ? fill(words.failed, { num: failed.length }) : fill(words.done, { time: when(new Date(), { timeStyle: "short" }) });
      check();
    });
    check();
  }

  function geolocate(box) {
    const button = box.querySelector("[data-geolocate-button]");
    const status = box.querySelector("[data-geolocate-status]");
    const latitude = box.querySelector("[data-geolocate-latitude]");
    const longitude = box.querySelector("[data-geolocate-longitude]");
    if (!button || !navigator.geolocation) return;
    button.hidden = false;
    // No position, no "position found": emptied by hand, or the form freed for the next one.
    const forget = () => setTimeout(() => latitude.value || longitude.value || (status.textContent = status.dataset.hint));
    [latitude, longitude].forEach((input) => input.addEventListener("input", forget));
    if (latitude.form) latitude.form.addEventListener("reset", forget);
    button.addEventListener("click", () => {
      status.textContent = status.dataset.locating;
      navigator.geolocation.getCurrentPosition((position) => {
        latitude.value = position.coords.latitude.toFixed(6);
        longitude.value = position.coords.longitude.toFixed(6);
        const accuracy = box.querySelector("[data-geolocate-accuracy]");
        if (accuracy) accuracy.value = Math.round(position.coords.accuracy);
        status.textContent = fill(status.dataset.accuracy, { metres: Math.round(position.coords.accuracy) });
      }, () => (status.textContent = status.dataset.failed), { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });
  }

  function uploadProgress(form) {
    const bar = form.querySelector("progress");
    form.addEventListener("htmx:xhr:progress", (event) => {
      if (!bar || !event.detail.lengthComputable) return;
      bar.hidden = false;
      bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    });
  }

  // A tapped push opens its notification's page: marking it read is a POST, sent here at once.
  function sendAtOnce(form) {
    form.submit();
  }

  function printButton(button) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }

  // --- push (notifications): turned on from a tap on the account page; forgetPages ends it.
  function pushSettings(box) {
    if (!(worker && window.PushManager)) return;
    const words = box.dataset;
    const on = box.querySelector("[data-push-on]");
    const off = box.querySelector("[data-push-off]");
    const current = () => worker.getRegistration().then((r) => r && r.pushManager.getSubscription());
    const post = (url, body) =>
      fetch(url, { method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": words.csrf }, body: JSON.stringify(body || {}) }).then((r) => {
        if (!r.ok) throw r;
      });
    const show = (subscribed, text) => {
      on.hidden = subscribed;
      off.hidden = !subscribed;
      on.disabled = false;
      box.querySelector("[data-push-status]").textContent = text || "";
    };
    box.querySelector("[data-push-nojs]").hidden = true;
    current().then((s) => show(!!s, s && words.textOn));
    on.addEventListener("click", () => {
      show(false, words.textTurningOn);
      on.disabled = true;
      // A browser with no push service never answers: after a while, say so.
      const late = new Promise((resolve, reject) => setTimeout(() => reject(new Error("timeout")), +words.timeout || 20000));
      const subscribing = Notification.requestPermission()
        .then((permission) => {
          if (permission !== "granted") throw new Error(permission);
          return worker.ready;
        })
        .then((r) => {
          const key = atob(words.key.replace(/-/g, "+").replace(/_/g, "/"));
          return r.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: Uint8Array.from(key, (c) => c.charCodeAt(0)) });
        })
        .then((s) => post(words.subscribe, { subscription: s.toJSON(), language: document.documentElement.lang }));
      Promise.race([subscribing, late]).then(
        () => show(true, words.textOn),
        (error) => show(false, Notification.permission === "denied" ? words.textDenied : error.message === "timeout" ? words.textTimeout : words.textFailed)
      );
    });
    off.addEventListener("click", () => {
      current()
        .then((s) => s && s.unsubscribe())
        .then(() => post(words.unsubscribe))
        .catch(Boolean) // off on this phone all the same: the server hears of it at the next push (410)
        .then(() => show(false, words.textOff));
    });
  }

  const behaviours = {
    "[data-account]": guardAccount,
    "form[action='/signout']": (form) => form.addEventListener("submit", forgetPages),
    "[data-offline-banner]": offlineBanner,
    "[data-offline-copy-notice]": offlineCopyNotice,
    "[data-retry-online]": retryWhenOnline,
    "[data-offline-work]": offlineWork,
    "[data-geolocate]": geolocate,
    "[data-upload]": uploadProgress,
    "[data-print]": printButton,
    "form[data-send-at-once]": sendAtOnce,
    "[data-push]": pushSettings,
    // A refused form: its error summary takes the focus, so a screen reader reads it first (GOV.UK).
    ".error-summary": (summary) => summary.focus(),
    "form[data-offline], [data-compress], [data-drafts], input[data-max-bytes]": loadForms,
  };

  // The forms' offline part (forms.js) only where a page has such a form: most pages have none.
  let formsAsked = false;
  function loadForms() {
    if (formsAsked || !offline) return;
    formsAsked = true;
    // A page saved before forms.js existed names none: the worker's copy answers the bare address.
    const src = (script && script.dataset.forms) || "/static/build/forms.js";
    document.head.appendChild(Object.assign(document.createElement("script"), { src: src }));
  }
  if (offline) {
    offline.addBehaviours = (more) => {
      Object.assign(behaviours, more);
      setUp(document);
    };
  }

  const attached = new WeakMap();

  function setUp(root) {
    Object.keys(behaviours).forEach((selector) => {
      const found = Array.from(root.querySelectorAll(selector));
      if (root.matches && root.matches(selector)) found.push(root);
      found.forEach((element) => {
        // Once per element and behaviour (a form may have several).
        const done = attached.get(element) || [];
        if (done.includes(selector)) return;
        attached.set(element, done.concat(selector));
        behaviours[selector](element);
      });
    });
  }

  // First: a failing behaviour must not stop the app working offline.
  if (worker) {
    worker.register("/sw.js");
    // A page whose load began while the worker was activating is left out of its claim: ask again.
    worker.ready.then((registration) => worker.controller || registration.active.postMessage("claim"));
  }
  document.addEventListener("htmx:load", (event) => setUp(event.detail.elt));
  setUp(document);
})();
