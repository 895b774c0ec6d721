// Behaviour shared by every page. No inline scripts: the Content-Security-Policy forbids them.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el instanceof HTMLSelectElement && el.classList.contains("js-autosubmit") && el.form) {
    el.form.submit();
  }
});
