// Small progressive enhancements; every page works without them.
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
        b.textContent = `${e.name} (${e.credit_code})`;
        b.addEventListener("click", () => { code.value = e.credit_code; name.value = e.name; box.replaceChildren(); });
        return b;
      }));
    }, 250);
  };
  [code, name].forEach((input) => input && input.addEventListener("input", () => search(input.value)));
});
