// Offline drafts and the outbox: a form[data-offline] is saved on the phone as it is filled;
// sent offline or cut off, it waits and is replayed with its idempotency key (one record).
// The words come from the page (templates/pwa/_outbox.html).
(function () {
  "use strict";

  if (!window.indexedDB) return;
  let database = null;
  let line = Promise.resolve();  // replays run one after the other
  let compressing = 0;

  const done = (request) => new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

  async function drafts(mode, change) {
    if (!database) {
      const opening = indexedDB.open("jamaati", 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore("drafts", { keyPath: "key" });
      database = done(opening);
    }
    const store = (await database).transaction("drafts", mode || "readonly").objectStore("drafts");
    if (change) {
      await done(change(store));
      return document.dispatchEvent(new Event("outbox:changed"));
    }
    // This account's only: a shared phone never shows one person's drafts to the next.
    return (await done(store.getAll())).filter((d) => d.account === account()).sort((a, b) => (a.saved < b.saved ? 1 : -1));
  }
  const account = () => document.querySelector("[data-account]").dataset.account;
  const put = (draft) => drafts("readwrite", (store) => store.put(draft));
  const remove = (key) => drafts("readwrite", (store) => store.delete(key));
  const words = () => document.querySelector("[data-outbox]").dataset;
  const when = (iso) => new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));

  async function save(form, queued) {
    const draft = {
      key: form.elements.idempotency_key.value, account: account(),
      action: form.action, page: location.pathname + location.search, title: form.dataset.offlineTitle,
      saved: new Date().toISOString(), queued: queued,
      // The CSRF token is fetched fresh at replay; an empty file input is no photo.
      fields: [...new FormData(form)].filter(([name, value]) => name !== "csrf_token" && !(value instanceof File && !value.size)),
    };
    await put(draft);
    return draft;
  }

  function fill(form, fields) {
    for (const element of form.elements) {
      const values = fields.filter(([name]) => name === element.name).map(([, value]) => value);
      if (!element.name) continue;
      if (element.type === "checkbox" || element.type === "radio") element.checked = values.includes(element.value);
      else if (element.type === "file") element.files = listOf(values);
      else if (values[0]) element.value = values[0];  // not over seen_duplicates
    }
  }

  function listOf(files) {
    const list = new DataTransfer();
    files.forEach((file) => list.items.add(file));
    return list.files;
  }

  function say(name, values, items, link) {
    const box = document.querySelector("[data-outbox]");
    const add = (parent, tag, text) => Object.assign(parent.appendChild(document.createElement(tag)), { textContent: text || "" });
    box.replaceChildren();
    add(box, "p", words()[name].replace(/%\((\w+)\)s/g, (_, key) => values[key]));
    if (items) items.forEach((item) => add(box.querySelector("ul") || add(box, "ul"), "li", item));
    if (link) add(add(box, "p"), "a", words()[link[1]]).href = link[0];
    box.hidden = false;
    if (link || items) box.focus();  // an outcome: into view, read out
  }

  const accepted = (url, action) => !["/signin", new URL(action).pathname].includes(new URL(url).pathname);

  function problemsIn(html) {
    // The refused form's error summary, else "open it and check it".
    const found = new DOMParser().parseFromString(html, "text/html").querySelectorAll(".error-summary li");
    return found.length ? Array.from(found, (item) => item.textContent.trim()) : [words().check];
  }

  // The one way to send what waits: on load (the app opened), online, Background Sync, submit.
  function flush(foreground) {
    return (line = line.then(() => replay(foreground)).catch(() => null));  // no connection: later
  }

  async function replay(foreground) {
    const waiting = (await drafts()).filter((draft) => draft.queued);
    if (!waiting.length) return;
    // The form's token may be days old and its session gone: a fresh one.
    const token = await (await fetch("/csrf-token")).text();
    for (const draft of waiting) {
      const body = new FormData();
      draft.fields.forEach(([name, value]) => body.append(name, value));
      body.append("csrf_token", token);
      const response = await fetch(draft.action, { method: "POST", body: body });
      if (response.status >= 500 || response.status === 429) return;  // try again later
      if (response.ok && response.redirected && accepted(response.url, draft.action)) {
        await remove(draft.key);
        if (draft.key === foreground) return location.assign(response.url);
        say("sent", draft, null, [response.url, "receipt"]);
      } else {
        // Refused: the draft goes back to its form with what to fix.
        draft.queued = false;
        draft.problems = response.url.includes("/signin") ? [words().signin] : problemsIn(await response.text());
        await put(draft);
        say("refused", draft, draft.problems, draft.key !== foreground && [`${draft.page}#draft-${draft.key}`, "open"]);
      }
    }
  }

  async function queue(form) {
    const draft = await save(form, true);
    await flush(draft.key);
    if (!(await drafts()).some((d) => d.key === draft.key && d.queued)) return;
    // Still no connection: it waits, and the form is free for the next one.
    say("queued", draft, null, ["/drafts", "myDrafts"]);
    form.reset();
    form.elements.idempotency_key.value = crypto.randomUUID();
    (await navigator.serviceWorker?.ready)?.sync?.register("outbox").catch(() => 0);
  }

  function offlineForm(form) {
    const key = form.elements.idempotency_key;
    let timer = null;
    const autosave = () => {
      clearTimeout(timer);
      timer = setTimeout(() => compressing || save(form, false), 400);
    };
    drafts().then((list) => {
      const wanted = location.hash.startsWith("#draft-") && location.hash.slice(7);
      // The draft this form was last filled with, not one waiting in the outbox.
      const draft = list.find((d) => (wanted ? d.key === wanted : d.action === form.action) && !d.queued);
      // A key already used (a saved copy of the page, offline) would overwrite that draft.
      if (!key.value || list.some((d) => d.key === key.value)) key.value = crypto.randomUUID();
      if (draft) {
        fill(form, draft.fields);
        if (draft.problems) say("refused", draft, draft.problems);
        else if (!document.querySelector(".error-summary")) say("restored", { time: when(draft.saved) });
      }
      form.addEventListener("input", autosave);
      form.addEventListener("change", autosave);
    });
    form.addEventListener("submit", (event) => {
      clearTimeout(timer);
      if (!compressing && navigator.onLine) return save(form, false);  // htmx sends it
      event.preventDefault();
      event.stopImmediatePropagation();
      if (compressing) form.dataset.submitWhenReady = "1";
      else queue(form);
    }, true);
    form.addEventListener("htmx:sendError", () => queue(form));  // cut off in flight
    form.addEventListener("htmx:afterRequest", (event) => event.detail.successful && accepted(event.detail.xhr.responseURL, form.action) && remove(key.value));
  }

  async function lighter(file) {
    // Long edge at most 1,600 px, JPEG at quality 0.7, lower only if still over 400 KB.
    const image = await createImageBitmap(file);
    const scale = Math.min(1, 1600 / Math.max(image.width, image.height));
    const canvas = Object.assign(document.createElement("canvas"), { width: Math.round(image.width * scale), height: Math.round(image.height * scale) });
    canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
    let blob = null;
    for (const quality of [0.7, 0.55, 0.4]) {
      blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
      if (blob.size <= 409600) break;
    }
    return blob.size < file.size ? new File([blob], file.name.replace(/\.\w+$/, ".jpg"), { type: "image/jpeg" }) : file;
  }

  function compressPhotos(input) {
    input.addEventListener("change", async (event) => {
      if (event.detail === "lighter") return;  // our own change, below
      const form = input.form;
      const light = [];
      compressing += 1;
      input.setAttribute("aria-busy", "true");
      say("compressing");
      try {
        for (const file of input.files) light.push(await lighter(file).catch(() => file));
        input.files = listOf(light);
      } finally {
        compressing -= 1;
        input.removeAttribute("aria-busy");
        document.querySelector("[data-outbox]").hidden = true;
      }
      input.dispatchEvent(new CustomEvent("change", { bubbles: true, detail: "lighter" }));  // saves the draft
      if (form.dataset.submitWhenReady) {
        delete form.dataset.submitWhenReady;
        form.requestSubmit();
      }
    });
  }

  function draftsPage(box) {
    const template = box.querySelector("template").content.firstElementChild;
    const show = async () => {
      const found = await drafts();
      box.querySelector("[data-drafts-empty]").hidden = found.length > 0;
      box.querySelector("ul").replaceChildren(...found.map((draft) => {
        const item = template.cloneNode(true);
        const part = (name) => item.querySelector(`[data-draft-${name}]`);
        part("title").textContent = draft.title;
        part("status").textContent = part("status").dataset[draft.queued ? "queued" : draft.problems ? "refused" : "draft"];
        part("saved").textContent = part("saved").dataset.text.replace("%(time)s", when(draft.saved));
        (draft.problems || []).forEach((problem) => (part("problems").appendChild(document.createElement("li")).textContent = problem));
        Object.assign(part("open"), { href: `${draft.page}#draft-${draft.key}`, hidden: draft.queued });
        part("delete").addEventListener("click", () => remove(draft.key));
        return item;
      }));
      box.hidden = false;
    };
    document.addEventListener("outbox:changed", () => box.isConnected && show());
    show();
  }

  window.jamaatiOffline = {
    "form[data-offline]": offlineForm,
    "[data-compress]": compressPhotos,
    "[data-drafts]": draftsPage,
  };
  window.addEventListener("online", () => flush());
  if (navigator.serviceWorker) navigator.serviceWorker.addEventListener("message", (event) => event.data === "outbox" && flush());
  flush();
})();
