// Call timer for the callback screen: counts from "Start call" (or the first answer), turns red
// past the point's target length (DOMAIN 6: under 3 minutes), and submits the length with the form.
// A refused submit comes back with the length posted (the hidden field): the timer resumes from
// it, so a typo does not restart the call at 00:00 (UX 1).
(() => {
  const box = document.querySelector(".call-timer");
  if (!box) return;
  const display = box.querySelector(".js-call-timer");
  const startButton = box.querySelector(".js-call-start");
  const form = document.querySelector(".js-callback-form");
  const duration = form ? form.querySelector(".js-call-duration") : null;
  const target = Number(box.dataset.targetSeconds || 180);
  let startedAt = null;

  const elapsed = () => (startedAt ? Math.floor((Date.now() - startedAt) / 1000) : 0);
  const render = () => {
    const s = elapsed();
    display.textContent = `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
    display.classList.toggle("text-danger", s >= target);
  };
  const start = (alreadySeconds = 0) => {
    if (startedAt) return;
    startedAt = Date.now() - alreadySeconds * 1000;
    startButton.disabled = true;
    render();
    setInterval(render, 1000);
  };
  startButton.addEventListener("click", () => start());
  if (form) {
    form.addEventListener("change", () => start(), { once: true });
    form.addEventListener("submit", () => {
      if (duration && startedAt) duration.value = String(elapsed());
    });
  }
  // The call was already running when the form was refused: carry on counting.
  const posted = duration && duration.value !== "" ? Number(duration.value) : Number.NaN;
  if (Number.isInteger(posted) && posted >= 0) start(posted);
})();
