// Signature pad for quote approval: draw with finger, pen or mouse; the PNG goes into a hidden
// field as a data URL when the form is submitted (the server checks it is a real PNG).
document.querySelectorAll(".js-action-form").forEach((form) => {
  const canvas = form.querySelector("canvas.signature-pad");
  if (!canvas) return;
  const field = form.querySelector(".js-signature-data");
  const ctx = canvas.getContext("2d");
  let drawing = false;
  let drawn = false;
  const fit = () => {
    canvas.width = canvas.clientWidth;
    ctx.lineWidth = 2;
    ctx.lineCap = "round";
  };
  fit();
  // A refused form comes back with the signature it sent: show it again, and send it again.
  if (field.value.startsWith("data:image/png;base64,")) {
    const image = new Image();
    image.addEventListener("load", () => ctx.drawImage(image, 0, 0));
    image.src = field.value;
    drawn = true;
  }
  const at = (event) => {
    const box = canvas.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  };
  canvas.addEventListener("pointerdown", (event) => {
    drawing = true;
    ctx.beginPath();
    ctx.moveTo(...at(event));
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    ctx.lineTo(...at(event));
    ctx.stroke();
    drawn = true;
  });
  ["pointerup", "pointerleave"].forEach((name) => canvas.addEventListener(name, () => (drawing = false)));
  form.querySelector(".js-signature-clear").addEventListener("click", () => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
  });
  form.addEventListener("submit", () => {
    field.value = drawn ? canvas.toDataURL("image/png") : "";
  });
});
