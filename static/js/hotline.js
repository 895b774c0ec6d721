// Hotline call screen (DOMAIN 4). No inline scripts: the Content-Security-Policy forbids them.
// - Hold timer: "Hold" starts a hold; every `data-check-seconds` (30 s) without a word to the
//   caller the screen prompts to check back; "Checked back" records the check and restarts the
//   interval; "Resume" ends the hold. The log goes to the server in a hidden field, which
//   recomputes the counts itself (intake/hotline.py holds the same rule as `prompt_due`).
// - Picking a customer found for the number typed, showing only the routing field of the call
//   kind, and Ctrl+Enter to save.
(() => {
  const form = document.querySelector(".js-call-form");
  if (!form) return;
  const opened = performance.now();
  const now = () => (performance.now() - opened) / 1000; // seconds since the screen opened
  const box = document.querySelector(".hold-timer");
  const logField = form.querySelector("input[name=hold_log]");
  const checkSeconds = Number(box?.dataset.checkSeconds || 30);
  const holds = [];
  let current = null;
  let ticker = null;

  const fmt = (s) =>
    `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
  const lastMark = () => Math.max(current.start, ...current.checks);
  const promptDue = () => current && now() >= lastMark() + checkSeconds;
  const saveLog = () => {
    if (logField) logField.value = JSON.stringify(holds.concat(current ? [{ ...current, end: now() }] : []));
  };

  const render = () => {
    if (!box) return;
    const state = box.querySelector(".js-hold-state");
    const clock = box.querySelector(".js-hold-clock");
    const prompt = box.querySelector(".js-hold-prompt");
    box.querySelector(".js-hold-start").hidden = Boolean(current);
    box.querySelector(".js-hold-check").hidden = !current;
    box.querySelector(".js-hold-end").hidden = !current;
    state.hidden = !current;
    if (current) {
      clock.textContent = fmt(now() - current.start);
      const due = promptDue();
      prompt.hidden = !due;
      box.classList.toggle("hold-due", due);
      const next = Math.max(0, Math.ceil(lastMark() + checkSeconds - now()));
      const nextBox = box.querySelector(".js-hold-next");
      nextBox.textContent = String(next);
      nextBox.parentElement.hidden = due;
    } else {
      prompt.hidden = true;
      box.classList.remove("hold-due");
    }
    box.querySelector(".js-hold-count").textContent = String(holds.length + (current ? 1 : 0));
  };

  if (box) {
    box.querySelector(".js-hold-start").addEventListener("click", () => {
      current = { start: now(), checks: [] };
      ticker = setInterval(render, 250);
      render();
    });
    box.querySelector(".js-hold-check").addEventListener("click", () => {
      if (current) current.checks.push(now());
      render();
    });
    box.querySelector(".js-hold-end").addEventListener("click", () => {
      if (!current) return;
      holds.push({ ...current, end: now() });
      current = null;
      clearInterval(ticker);
      saveLog();
      render();
    });
    render();
  }

  // A customer found for the number: "This is the caller" fills the hidden field and the name.
  document.addEventListener("click", (event) => {
    const pick = event.target.closest("[data-pick-customer]");
    if (!pick) return;
    form.querySelector("input[name=customer]").value = pick.dataset.pickCustomer;
    const name = form.querySelector("input[name=contact_name]");
    if (name && !name.value) name.value = pick.dataset.name || "";
    document.querySelectorAll("[data-pick-customer]").forEach((b) => {
      b.classList.toggle("active", b === pick);
      b.setAttribute("aria-pressed", String(b === pick));
    });
  });

  // Only the routing field of the chosen call kind is shown.
  const showRouting = () => {
    const kind = form.querySelector("input[name=purpose]:checked")?.value || "";
    form.querySelectorAll("[data-for-kind]").forEach((el) => {
      el.hidden = el.dataset.forKind !== kind;
    });
    document.querySelectorAll("[data-script-kind]").forEach((el) => {
      el.classList.toggle("script-active", el.dataset.scriptKind === kind);
    });
  };
  form.addEventListener("change", (event) => {
    if (event.target.name === "purpose") showRouting();
  });
  showRouting();

  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", saveLog);
})();
