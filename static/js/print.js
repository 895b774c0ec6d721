// Print button on the print pages (no inline handlers: CSP).
document.querySelectorAll(".js-print").forEach((button) => button.addEventListener("click", () => window.print()));
