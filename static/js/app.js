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
