// Jamaati's own small script. Everything works without it; it only adds conveniences.
// Behaviour hangs on data-* attributes and is set up on htmx:load, so swapped-in parts get it too.
(function () {
  "use strict";

  function geolocate(box) {
    var button = box.querySelector("[data-geolocate-button]");
    var status = box.querySelector("[data-geolocate-status]");
    if (!button || !navigator.geolocation) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = status.dataset.locating;
      navigator.geolocation.getCurrentPosition(function (position) {
        box.querySelector("[data-geolocate-latitude]").value = position.coords.latitude.toFixed(6);
        box.querySelector("[data-geolocate-longitude]").value = position.coords.longitude.toFixed(6);
        var accuracy = box.querySelector("[data-geolocate-accuracy]");
        if (accuracy) accuracy.value = Math.round(position.coords.accuracy);
        status.textContent = status.dataset.accuracy.replace("%(metres)s", Math.round(position.coords.accuracy));
      }, function () {
        status.textContent = status.dataset.failed;
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });
  }

  function uploadProgress(form) {
    var bar = form.querySelector("progress");
    form.addEventListener("htmx:xhr:progress", function (event) {
      if (!bar || !event.detail.lengthComputable) return;
      bar.hidden = false;
      bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    });
  }

  function printButton(button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }

  // --- offline: service worker, banner; at sign-out, one person's pages (sw.js, htmx) and pushes go
  function forgetPages() {
    sessionStorage.removeItem("htmx-history-cache");
    if (window.caches) caches.delete("pages");
    if (window.PushManager) navigator.serviceWorker.ready.then(function (r) { return r.pushManager.getSubscription(); }).then(function (s) { return s && s.unsubscribe(); }).catch(Boolean);
  }

  function guardAccount(page) {
    var account = page.dataset.account || "";
    var previous = localStorage.getItem("jamaati-account");
    if (previous !== null && previous !== account) forgetPages();
    localStorage.setItem("jamaati-account", account);
  }

  function signOut(form) {
    form.addEventListener("submit", forgetPages);
  }

  function offlineBanner(banner) {
    var show = function () { banner.hidden = navigator.onLine; };
    window.addEventListener("online", show);
    window.addEventListener("offline", show);
    show();
  }

  function offlineCopyNotice(notice) {
    var fetchedAt = document.documentElement.dataset.offlineCopy;
    if (!fetchedAt) return;
    var time = new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(fetchedAt));
    notice.textContent = notice.dataset.text.replace("%(time)s", time);
    notice.hidden = false;
  }

  // Offline, a boosted link fails: a full navigation gets the service worker's copy.
  function navigateInFull(event) {
    var detail = event.detail;
    if (!detail.boosted || detail.requestConfig.verb !== "get" || (event.type === "htmx:beforeRequest" && navigator.onLine)) return;
    event.preventDefault();
    location.assign(detail.pathInfo.finalRequestPath);
  }
  document.addEventListener("htmx:beforeRequest", navigateInFull);
  document.addEventListener("htmx:sendError", navigateInFull);

  var behaviours = {
    "[data-account]": guardAccount,
    "form[action='/signout']": signOut,
    "[data-offline-banner]": offlineBanner,
    "[data-offline-copy-notice]": offlineCopyNotice,
    "[data-geolocate]": geolocate,
    "[data-upload]": uploadProgress,
    "[data-print]": printButton
  };
  Object.assign(behaviours, window.jamaatiOffline);  // outbox.js

  var attached = new WeakMap();

  function setUp(root) {
    Object.keys(behaviours).forEach(function (selector) {
      var found = Array.prototype.slice.call(root.querySelectorAll(selector));
      if (root.matches && root.matches(selector)) found.push(root);
      found.forEach(function (element) {
        // Once per element and behaviour (a form may have several).
        var done = attached.get(element) || [];
        if (done.indexOf(selector) >= 0) return;
        attached.set(element, done.concat(selector));
        behaviours[selector](element);
      });
    });
  }

  // First: a failing behaviour must not stop the app working offline.
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js");
  document.addEventListener("htmx:load", function (event) { setUp(event.detail.elt); });
  setUp(document);
})();
// --- push (notifications) ---
// Turned on from a tap on the account page; forgetPages ends it. Texts: data-*.
(function () {
  if (!("serviceWorker" in navigator && "PushManager" in window)) return;
  var sw = navigator.serviceWorker;
  function current() {
    return sw.getRegistration().then(function (r) { return r && r.pushManager.getSubscription(); });
  }
  function post(url, csrf, body) {
    return fetch(url, { method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf }, body: JSON.stringify(body || {}) })
      .then(function (r) { if (!r.ok) throw r; });
  }
  function settings(box) {
    var d = box.dataset, on = box.querySelector("[data-push-on]"), off = box.querySelector("[data-push-off]");
    function show(subscribed, text) {
      on.hidden = subscribed; off.hidden = !subscribed;
      box.querySelector("[data-push-status]").textContent = text || "";
    }
    box.querySelector("[data-push-nojs]").hidden = true;
    current().then(function (s) { show(!!s, s && d.textOn); });
    on.addEventListener("click", function () {
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") throw permission;
        return sw.ready;
      }).then(function (r) {
        var key = atob(d.key.replace(/-/g, "+").replace(/_/g, "/"));
        return r.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: Uint8Array.from(key, function (c) { return c.charCodeAt(0); }) });
      }).then(function (s) {
        return post(d.subscribe, d.csrf, { subscription: s.toJSON(), language: document.documentElement.lang });
      }).then(function () { show(true, d.textOn); }, function () {
        show(false, Notification.permission === "denied" ? d.textDenied : d.textFailed);
      });
    });
    off.addEventListener("click", function () {
      current().then(function (s) { return s && s.unsubscribe(); })
        .then(function () { return post(d.unsubscribe, d.csrf); })
        .catch(Boolean).then(function () { show(false, d.textOff); });
    });
  }
  function setUp(root) {
    var box = root.matches("[data-push]") ? root : root.querySelector("[data-push]");
    if (box && !box.dataset.pushReady) { box.dataset.pushReady = "1"; settings(box); }
  }
  document.addEventListener("htmx:load", function (event) { setUp(event.detail.elt); });
  setUp(document.documentElement);
})();
