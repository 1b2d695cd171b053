// The pages' forms offline: each kept as a draft while it is typed, queued in the outbox when there is
// no signal, photos made lighter on the phone, and "My drafts". app.js loads this file only on pages
// that have such a form (most have none: they need not pay for it); outbox.js gives the rest.
(function () {
  "use strict";

  const offline = self.jamaatiOffline;
  if (!offline || !offline.say) return; // no IndexedDB: the forms are sent as they are
  const { table, mine, newKey, label, say, refusedLine, when, fill, add, words, flush, accepted, account } = offline;
  let compressing = 0;

  function firstWords(form) {
    // What tells one draft from another in "My drafts": the words typed, or the choice made.
    const field = form.querySelector("textarea") || form.querySelector("input[type=radio]:checked");
    const typed = field ? (field.type === "radio" ? field.parentNode.textContent : field.value).trim() : "";
    return typed.length > 60 ? `${typed.slice(0, 60)}…` : typed;
  }

  async function save(form, queued) {
    const draft = {
      key: form.elements.idempotency_key.value, account: account(),
      action: form.action, page: location.pathname + location.search, title: form.dataset.offlineTitle,
      summary: firstWords(form), saved: new Date().toISOString(), queued: queued,
      // The CSRF token is fetched fresh at replay; an empty file input is no photo.
      fields: [...new FormData(form)].filter(([name, value]) => name !== "csrf_token" && !(value instanceof File && !value.size)),
    };
    await table("drafts", (store) => store.put(draft));
    return draft;
  }

  function restore(form, fields) {
    let photos = 0;
    for (const element of form.elements) {
      const values = fields.filter(([name]) => name === element.name).map(([, value]) => value);
      if (!element.name) continue;
      if (element.type === "checkbox" || element.type === "radio") element.checked = values.includes(element.value);
      else if (element.type === "file") photos += (element.files = listOf(values)).length;
      else if (values[0]) element.value = values[0]; // not over seen_duplicates
    }
    // The server could not keep the photos of a form it sent back; the phone did.
    const again = document.getElementById("photos-again");
    if (again && photos) again.hidden = true;
  }

  function empty(form) {
    // Free for the next one: nothing of the last one left, not even a position found for it.
    form.reset();
    for (const element of form.elements) {
      if (element.type === "checkbox" || element.type === "radio") element.checked = element.defaultChecked;
      else if (element.name && element.name !== "csrf_token" && !["BUTTON", "SELECT"].includes(element.tagName)) element.value = "";
    }
    form.elements.idempotency_key.value = newKey();
  }

  function listOf(files) {
    const list = new DataTransfer();
    files.forEach((file) => list.items.add(file));
    return list.files;
  }

  async function queue(form) {
    const draft = await save(form, true);
    const outcomes = await flush(draft.key);
    if (!(await mine("drafts")).some((d) => d.key === draft.key && d.queued)) return;
    // It waits, and the form is free for the next one; no connection at all is said here.
    if (outcomes.every((o) => o.outcome === "offline")) say([["queued", { title: label(draft) }, null, ["/drafts", "myDrafts"]]], true);
    empty(form);
    const registration = navigator.serviceWorker && (await navigator.serviceWorker.ready);
    if (registration && registration.sync) registration.sync.register("outbox").catch((error) => error); // replayed on load and online all the same
  }

  const typedIn = (form) =>
    Array.from(form.elements).some((e) =>
      e.type === "checkbox" || e.type === "radio" ? e.checked !== e.defaultChecked : ["text", "textarea", "tel", "email", "number"].includes(e.type) && e.value !== e.defaultValue);

  function offlineForm(form) {
    const key = form.elements.idempotency_key;
    let timer = null;
    const autosave = () => {
      clearTimeout(timer);
      timer = setTimeout(() => compressing || save(form, false), 400);
    };
    mine("drafts").then((list) => {
      const wanted = location.hash.startsWith("#draft-") && location.hash.slice(7);
      // The server's answer to this form's own sending (refused, or complaints nearby) carries its key.
      const answered = list.find((d) => d.key === key.value && !d.queued);
      const draft = answered || list.find((d) => (wanted ? d.key === wanted : d.action === form.action) && !d.queued);
      key.value = draft ? draft.key : newKey();
      if (draft) {
        restore(form, draft.fields);
        if (draft.problems) say([refusedLine(draft)]);
        else if (!answered && !document.querySelector(".error-summary")) say([["restored", { time: when(draft.saved) }]]);
      }
      form.addEventListener("input", autosave);
      form.addEventListener("change", autosave);
      // This script arrives after the page: what was typed meanwhile is kept too.
      if (!draft && typedIn(form)) autosave();
    });
    form.addEventListener("submit", (event) => {
      clearTimeout(timer);
      // The phone's clock says when it was written on site; the server checks it.
      form.querySelectorAll("[data-phone-time]").forEach((input) => input.value || (input.value = new Date().toISOString()));
      if (!compressing && navigator.onLine) return save(form, false); // htmx sends it
      event.preventDefault();
      event.stopImmediatePropagation();
      if (compressing) form.dataset.submitWhenReady = "1";
      else queue(form);
    }, true);
    form.addEventListener("htmx:sendError", () => queue(form)); // cut off in flight
    form.addEventListener("htmx:afterRequest", (event) => event.detail.successful && accepted(event.detail.xhr.responseURL, form.action) && table("drafts", (store) => store.delete(key.value)));
  }

  async function lighter(file) {
    // Long edge at most 1,600 px, JPEG at quality 0.7, lower only if still over 400 KB; a photo
    // still over 400 KB at 0.4 (much fine detail) gets smaller, a quarter at a time.
    const image = await createImageBitmap(file);
    let blob = null;
    for (let edge = 1600; !blob || (blob.size > 409600 && edge >= 400); edge *= 0.75) {
      const scale = Math.min(1, edge / Math.max(image.width, image.height));
      const canvas = Object.assign(document.createElement("canvas"), { width: Math.round(image.width * scale), height: Math.round(image.height * scale) });
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      for (const quality of [0.7, 0.55, 0.4]) {
        blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
        if (blob.size <= 409600) break;
      }
    }
    return blob.size < file.size ? new File([blob], file.name.replace(/\.\w+$/, ".jpg"), { type: "image/jpeg" }) : file;
  }

  function compressPhotos(input) {
    input.addEventListener("change", async (event) => {
      if (event.detail === "lighter") return; // our own change, below
      const form = input.form;
      const light = [];
      compressing += 1;
      input.setAttribute("aria-busy", "true");
      say([["compressing", {}]]);
      try {
        for (const file of input.files) light.push(await lighter(file).catch(() => file)); // not an image: sent as it is
        input.files = listOf(light);
      } finally {
        compressing -= 1;
        input.removeAttribute("aria-busy");
        document.querySelector("[data-outbox]").hidden = true;
      }
      input.dispatchEvent(new CustomEvent("change", { bubbles: true, detail: "lighter" })); // saves the draft
      if (form.dataset.submitWhenReady) {
        delete form.dataset.submitWhenReady;
        form.requestSubmit();
      }
    });
  }

  function draftsPage(box) {
    const [draftItem, sentItem] = box.querySelectorAll("template");
    const list = async () => {
      const found = await mine("drafts");
      box.querySelector("[data-drafts-empty]").hidden = found.length > 0;
      box.querySelector("[data-drafts-list]").replaceChildren(...found.map((draft) => {
        const item = draftItem.content.firstElementChild.cloneNode(true);
        const part = (name) => item.querySelector(`[data-draft-${name}]`);
        const photos = draft.fields.filter(([, value]) => value instanceof Blob).length;
        part("title").textContent = draft.title;
        part("summary").textContent = draft.summary || "";
        part("photos").textContent = photos ? fill(part("photos").dataset.text, { num: photos }) : "";
        part("status").textContent = part("status").dataset[draft.queued ? "queued" : draft.problems ? "refused" : "draft"];
        part("saved").textContent = fill(part("saved").dataset.text, { time: when(draft.saved) });
        if (draft.queued && draft.tried) part("tried").textContent = fill(part("tried").dataset.text, { time: when(draft.tried.at) });
        (draft.signin ? [words().signin] : draft.problems || []).forEach((problem) => add(part("problems"), "li", problem));
        Object.assign(part("open"), { href: `${draft.page}#draft-${draft.key}`, hidden: draft.queued });
        // A waiting complaint and its photos are gone for good: asked first, on the page itself.
        part("delete").addEventListener("click", () => (part("confirm").hidden = false));
        part("keep").addEventListener("click", () => (part("confirm").hidden = true));
        part("yes").addEventListener("click", () => table("drafts", (store) => store.delete(draft.key)));
        return item;
      }));
      const sent = [];
      for (const done of await mine("sent")) {
        if (Date.now() - new Date(done.sent) < 30 * 864e5) sent.push(done);
        else await table("sent", (store) => store.delete(done.key)); // a month of receipts is enough
      }
      box.querySelector("[data-sent]").hidden = !sent.length;
      box.querySelector("[data-sent-list]").replaceChildren(...sent.map((done) => {
        const item = sentItem.content.firstElementChild.cloneNode(true);
        item.querySelector("h3").textContent = label(done);
        const link = item.querySelector("a");
        link.href = done.receipt;
        link.previousElementSibling.textContent = fill(link.previousElementSibling.dataset.text, { time: when(done.sent) });
        return item;
      }));
      box.hidden = false;
    };
    document.addEventListener("outbox:changed", () => box.isConnected && list());
    list();
  }

  // A file the server would refuse is refused here, before a byte is sent: its type by the
  // input's accept list, its size (photos excepted: the phone makes them lighter, compressPhotos, below).
  function checkFiles(input) {
    const note = document.createElement("p");
    note.className = "error-message";
    note.setAttribute("role", "alert");
    note.hidden = true;
    input.before(note);
    input.addEventListener("change", (event) => {
      const types = input.accept.split(",");
      const problem = Array.from(input.files).map((file) =>
        !types.some((type) => file.type === type || (type.endsWith("*") && file.type.startsWith(type.slice(0, -1)))) ? "wrongType"
          : !file.type.startsWith("image/") && file.size > +input.dataset.maxBytes ? "tooLarge" : "").find(Boolean);
      note.hidden = !problem;
      note.textContent = problem ? input.dataset[problem] : "";
      if (problem) {
        input.value = "";
        event.stopImmediatePropagation(); // nothing to make lighter, nothing to save
      }
    });
    // Sent while its photos are being made lighter: sent once they are (compressPhotos, below).
    if (input.form) input.form.addEventListener("submit", (event) => {
      if (!input.hasAttribute("aria-busy")) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      input.form.dataset.submitWhenReady = "1";
    }, true);
  }

  offline.addBehaviours({
    "input[data-max-bytes]": checkFiles, // before [data-compress]: a refused file is not made lighter
    "form[data-offline]": offlineForm,
    "[data-compress]": compressPhotos,
    "[data-drafts]": draftsPage,
  });
})();
