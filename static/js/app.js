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

  // --- offline: the service worker, a banner, and private copies cleared at sign-out ---------

  var PAGES = "pages";  // the service worker's copies of pages seen (see /sw.js)

  function forgetPages() {
    return window.caches ? caches.delete(PAGES) : Promise.resolve();
  }

  function guardAccount(page) {
    var account = page.dataset.account || "";
    var previous = localStorage.getItem("jamaati-account");
    if (previous !== null && previous !== account) forgetPages();
    localStorage.setItem("jamaati-account", account);
  }

  function signOut(form) {
    form.addEventListener("submit", function () { forgetPages(); });
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

  var behaviours = {
    "[data-account]": guardAccount,
    "form[action='/signout']": signOut,
    "[data-offline-banner]": offlineBanner,
    "[data-offline-copy-notice]": offlineCopyNotice,
    "[data-geolocate]": geolocate,
    "[data-upload]": uploadProgress,
    "[data-print]": printButton
  };

  function setUp(root) {
    Object.keys(behaviours).forEach(function (selector) {
      var found = Array.prototype.slice.call(root.querySelectorAll(selector));
      if (root.matches && root.matches(selector)) found.push(root);
      found.forEach(function (element) {
        if (element.dataset.ready) return;
        element.dataset.ready = "1";
        behaviours[selector](element);
      });
    });
  }

  document.addEventListener("htmx:load", function (event) { setUp(event.detail.elt); });
  setUp(document);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js");
})();
