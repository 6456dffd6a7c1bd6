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

// Long downloads (a batch of certificates): say that work is under way until the file arrives.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("busy");
  if (!box) return;
  document.querySelectorAll("a[data-busy]").forEach((link) => {
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      box.hidden = false;
      box.querySelector("span:last-child").textContent = link.dataset.busy;
      try {
        const response = await fetch(link.href);
        if (!response.ok) throw new Error(String(response.status));
        const blob = await response.blob();
        const name = /filename\*=UTF-8''([^;]+)/.exec(response.headers.get("Content-Disposition") || "");
        const a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = name ? decodeURIComponent(name[1]) : link.href.endsWith("zip") ? "certificates.zip" : "certificates.pdf";
        a.click();
        URL.revokeObjectURL(a.href);
        box.hidden = true;
      } catch (error) {
        box.className = "flash flash-error";
        box.querySelector("span:last-child").textContent = "下载失败，请重试 / The download failed, please try again.";
      }
    });
  });
});
