// Small progressive enhancements; every page works without them.

// Suggestions under a search field (the enterprise look-up, the people picker), by keyboard as by
// mouse: the field keeps the focus, ArrowDown/ArrowUp move through the options (announced through
// aria-activedescendant), Enter chooses, Escape closes.
const suggestionKeys = (inputs, list) => {
  let active = -1;
  const options = () => [...list.querySelectorAll("[role=option]")];
  const show = (n) => {
    const all = options();
    all.forEach((option, i) => {
      option.classList.toggle("active", i === n);
      option.setAttribute("aria-selected", i === n ? "true" : "false");
    });
    active = n;
    inputs.forEach((input) => {
      if (n >= 0 && all[n]) input.setAttribute("aria-activedescendant", all[n].id);
      else input.removeAttribute("aria-activedescendant");
    });
  };
  inputs.forEach((input) => {
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.addEventListener("keydown", (event) => {
      const all = options();
      if (event.key === "ArrowDown" && all.length) { event.preventDefault(); show((active + 1) % all.length); }
      else if (event.key === "ArrowUp" && all.length) { event.preventDefault(); show(active <= 0 ? all.length - 1 : active - 1); }
      else if (event.key === "Enter" && all.length) { event.preventDefault(); (all[active] || all[0]).click(); }
      else if (event.key === "Escape" && all.length) { event.preventDefault(); list.replaceChildren(); }
    });
  });
  new MutationObserver(() => {
    const all = options();
    all.forEach((option, i) => { option.id = option.id || `${list.id}-${i}`; option.tabIndex = -1; });
    inputs.forEach((input) => input.setAttribute("aria-expanded", all.length ? "true" : "false"));
    show(-1);
  }).observe(list, { childList: true });
};
document.addEventListener("DOMContentLoaded", () => {
  // A confirmation before anything destructive: <form data-confirm="…">.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // The phone menu.
  document.querySelectorAll("[data-toggle]").forEach((button) => {
    const target = document.getElementById(button.dataset.toggle);
    button.addEventListener("click", () => {
      const open = target.classList.toggle("open");
      button.setAttribute("aria-expanded", String(open));
    });
  });
});

// Enterprise look-up on the placement form: suggestions from the directory fill code and name.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("enterprise-suggestions");
  if (!box) return;
  const code = document.getElementById("credit_code");
  const name = document.getElementById("enterprise_name");
  let timer;
  let typedIn = name;
  box.setAttribute("role", "listbox");
  const search = (q) => {
    clearTimeout(timer);
    if (q.trim().length < 2) { box.replaceChildren(); return; }
    timer = setTimeout(async () => {
      const response = await fetch(`${box.dataset.search}?q=${encodeURIComponent(q.trim())}`);
      if (!response.ok) return;
      const found = await response.json();
      box.replaceChildren(...found.map((e) => {
        const b = document.createElement("button");
        b.type = "button"; b.className = "small";
        b.setAttribute("role", "option");
        b.textContent = `${e.name} (${e.credit_code})`;
        b.addEventListener("click", () => {
          code.value = e.credit_code; name.value = e.name; box.replaceChildren();
          typedIn.focus();  // the focus stays where the clerk was typing
        });
        return b;
      }));
    }, 250);
  };
  [code, name].forEach((input) => input && input.addEventListener("input", () => { typedIn = input; search(input.value); }));
  suggestionKeys([code, name].filter(Boolean), box);

  // The credit code is checked as it is typed (GB 32100-2015; the server checks it again).
  const verdict = document.getElementById("credit-check");
  const CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const problem = (value) => {
    if (value.length !== 18) return "length";
    if ([...value].some((ch) => !CHARSET.includes(ch))) return "characters";
    const total = WEIGHTS.reduce((sum, w, i) => sum + CHARSET.indexOf(value[i]) * w, 0);
    return CHARSET[(31 - (total % 31)) % 31] === value[17] ? null : "check";
  };
  const check = () => {
    const value = code.value.trim().toUpperCase();
    if (!value) { verdict.textContent = ""; verdict.className = "hint"; return; }
    const found = problem(value);
    verdict.textContent = found ? verdict.dataset[found] : `✓ ${verdict.dataset.ok}`;
    verdict.className = found ? "hint error" : "hint ok";
  };
  if (code && verdict) {
    code.addEventListener("input", check);
    box.addEventListener("click", check);
    check();  // a code typed before this script ran, or sent back with the form's errors
  }
});

// Background tasks: follow the progress bars of unfinished tasks without reloading the page.
document.addEventListener("DOMContentLoaded", () => {
  const bars = () => Array.from(document.querySelectorAll(".task-progress"))
    .filter((el) => el.dataset.status === "queued" || el.dataset.status === "running");
  if (!bars().length) return;
  const tick = async () => {
    const open = bars();
    if (!open.length) return;
    const ids = open.map((el) => el.dataset.task).join(",");
    try {
      const response = await fetch(`/tasks/state.json?ids=${ids}`, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      const { tasks } = await response.json();
      let ended = false;
      tasks.forEach((t) => {
        document.querySelectorAll(`.task-progress[data-task="${t.id}"]`).forEach((el) => {
          const wasOpen = el.dataset.status === "queued" || el.dataset.status === "running";
          el.dataset.status = t.status;
          const bar = el.querySelector(".progress > span");
          const indeterminate = t.percent === null && (t.status === "queued" || t.status === "running");
          bar.classList.toggle("indeterminate", indeterminate);
          bar.style.width = `${t.percent === null ? 100 : t.percent}%`;
          if (t.percent !== null) el.querySelector(".progress").setAttribute("aria-valuenow", String(t.percent));
          const badge = el.querySelector('[data-role="status"]');
          badge.textContent = t.status_label;
          badge.className = `badge ${t.status === "done" ? "ok" : t.status === "failed" ? "bad" : "warn"}`;
          el.querySelector('[data-role="count"]').textContent = t.total ? `${t.done} / ${t.total}` : "";
          const link = el.querySelector('[data-role="download"]');
          if (t.download_url) { link.href = t.download_url; link.hidden = false; }
          if (wasOpen && (t.status === "done" || t.status === "failed")) ended = true;
        });
      });
      // The task page shows the outcome (a summary, the cells to correct): load it once.
      if (ended && document.querySelector("[data-hide-when-done]")) { window.location.reload(); return; }
    } catch (error) { /* a dropped connection: try again at the next tick */ }
    setTimeout(tick, 1500);
  };
  setTimeout(tick, 1000);
});

// A select that chooses what the page shows (the dashboard's period) applies at once when picked
// with the mouse; by keyboard the arrows only move, and Enter (or the button beside it) applies.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    let byKey = false;
    select.addEventListener("keydown", (event) => {
      byKey = event.key !== "Enter";
      if (event.key === "Enter") select.form.submit();
    });
    select.addEventListener("pointerdown", () => { byKey = false; });
    select.addEventListener("change", () => { if (!byKey) select.form.submit(); });
  });
});

// After a failed submit: a summary of the problems at the top of the form, focused, each linking
// to its field (screen readers hear it at once; nobody has to hunt for the red field).
document.addEventListener("DOMContentLoaded", () => {
  const errors = [...document.querySelectorAll("form .has-error")];
  if (!errors.length) return;
  const form = errors[0].closest("form");
  const summary = document.createElement("div");
  summary.className = "error-summary";
  summary.setAttribute("role", "alert");
  summary.tabIndex = -1;
  const heading = document.createElement("h2");
  heading.textContent = document.documentElement.dataset.errorsHeading || "Please correct:";
  const list = document.createElement("ul");
  errors.forEach((field) => {
    const control = field.querySelector("input, select, textarea");
    const message = field.querySelector(".error");
    const label = field.querySelector("label");
    if (!control || !message) return;
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = `#${control.id}`;
    link.textContent = `${label ? label.textContent.replace("*", "").trim() + "：" : ""}${message.textContent.trim()}`;
    link.addEventListener("click", (event) => { event.preventDefault(); control.focus(); });
    item.append(link);
    list.append(item);
  });
  summary.append(heading, list);
  form.prepend(summary);
  summary.focus();
});

// "Choose all" for a list decided at once.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-check-all]").forEach((all) => {
    all.addEventListener("change", () => {
      all.form.querySelectorAll(`input[name="${all.dataset.checkAll}"]`).forEach((box) => { box.checked = all.checked; });
    });
  });
});

// Phones: wide tables stack as cards; each cell carries its column's header as its label.
document.querySelectorAll("table.table").forEach((table) => {
  const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  if (heads.length < 4 && !table.classList.contains("stack")) return;
  table.classList.add("stackable");
  table.querySelectorAll("tbody tr").forEach((row) => {
    [...row.children].forEach((cell, i) => {
      if (!cell.hasAttribute("data-label") && heads[i]) cell.setAttribute("data-label", heads[i]);
    });
  });
});

// Picking people by name (competition entries): search as you type, click to add, remove again.
document.querySelectorAll("[data-picker]").forEach((box) => {
  const input = box.querySelector("input[type=search]");
  const results = box.querySelector(".picker-results");
  const chosen = box.querySelector(".picker-chosen");
  const school = document.querySelector("[name=school]");
  const none = box.querySelector(".picker-none");  // outside the listbox: a status, not an option
  let timer;
  suggestionKeys([input], results);
  const wire = (button) => button.addEventListener("click", () => button.closest("li").remove());
  chosen.querySelectorAll("button[data-remove]").forEach(wire);
  const add = (person) => {
    const item = document.createElement("li");
    item.textContent = `${person.name}（${person.staff_no}）`;
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = box.dataset.name;
    hidden.value = person.id;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link";
    remove.dataset.remove = "";
    remove.textContent = box.dataset.remove;
    remove.setAttribute("aria-label", `${box.dataset.remove} ${person.name}`);
    item.append(hidden, remove);
    wire(remove);
    chosen.append(item);
    results.replaceChildren();
    input.value = "";
    input.focus();
  };
  const search = async () => {
    const q = input.value.trim();
    if (none) none.textContent = "";
    if (!q) { results.replaceChildren(); return; }
    const url = new URL(box.dataset.url, window.location.href);
    url.searchParams.set("q", q);
    if (school) url.searchParams.set("school", school.value);
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const taken = new Set([...document.querySelectorAll("[data-picker] input[type=hidden]")].map((h) => h.value));
    const people = (await response.json()).filter((p) => !taken.has(String(p.id)));
    results.replaceChildren(...people.map((person) => {
      const option = document.createElement("button");
      option.type = "button";
      option.setAttribute("role", "option");
      option.textContent = `${person.name}（${person.staff_no}${person.department ? " · " + person.department : ""}）`;
      option.addEventListener("click", () => add(person));
      return option;
    }));
    if (!people.length && none) none.textContent = box.dataset.none;
  };
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 200); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !results.children.length) event.preventDefault();  // never submits the form
  });
});

// Copy buttons: <button data-copy="#element" data-copied="…"> puts the element's text on the clipboard.
document.querySelectorAll("button[data-copy]").forEach((button) => {
  button.addEventListener("click", async () => {
    const source = document.querySelector(button.dataset.copy);
    if (!source) return;
    const label = button.textContent;
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
    } catch {
      const range = document.createRange();  // no clipboard access: select it for Ctrl+C
      range.selectNodeContents(source);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      return;
    }
    button.textContent = button.dataset.copied;
    setTimeout(() => { button.textContent = label; }, 2000);
  });
});

// On a phone the dashboard's chart sections start folded (they are long); a tap opens them.
if (window.matchMedia("(max-width: 600px)").matches) {
  document.querySelectorAll("details.fold[open]").forEach((fold) => fold.removeAttribute("open"));
}
