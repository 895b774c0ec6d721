// Behaviour shared by every page. No inline scripts: the Content-Security-Policy forbids them.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el instanceof HTMLSelectElement && el.classList.contains("js-autosubmit") && el.form) {
    el.form.submit();
  }
});

// A search box inside a form (the complaint form's customer search): Enter searches, it does not
// submit the form around it.
document.addEventListener("keydown", (event) => {
  const el = event.target;
  if (event.key === "Enter" && el instanceof HTMLInputElement && el.hasAttribute("data-search-box")) {
    event.preventDefault();
    el.dispatchEvent(new Event("search"));
  }
});

// The lend form: picking a loaner fills in the deposit it asks, until the user types their own.
document.addEventListener("input", (event) => {
  const el = event.target;
  if (el instanceof HTMLInputElement && el.hasAttribute("data-deposit-target")) {
    el.dataset.typed = "1";
  }
});
document.addEventListener("change", (event) => {
  const el = event.target;
  if (!(el instanceof HTMLSelectElement) || !el.hasAttribute("data-loaner-select") || !el.form) {
    return;
  }
  const target = el.form.querySelector("input[data-deposit-target]");
  const deposit = el.selectedOptions[0]?.dataset.deposit;
  if (target instanceof HTMLInputElement && deposit !== undefined && !target.dataset.typed) {
    target.value = deposit;
  }
});
