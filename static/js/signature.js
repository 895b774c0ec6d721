// Signature pads (templates/_signature_pad.html): draw with finger, pen or mouse; the PNG goes
// into the pad's hidden field as a data URL when its form is submitted (the server checks it is
// a real PNG). A refused form comes back with the signature it sent: it is drawn again and sent
// again, so the customer never signs twice. A pad with data-show-when="field=value" is shown only
// while that radio choice is picked (e.g. the customer signs, rather than answering by phone).
document.querySelectorAll(".js-signature").forEach((pad) => {
  const canvas = pad.querySelector("canvas.signature-pad");
  const field = pad.querySelector(".js-signature-data");
  const form = pad.closest("form");
  const ctx = canvas.getContext("2d");
  let drawing = false;
  let drawn = false;
  const restore = () => {
    if (!field.value.startsWith("data:image/png;base64,")) return;
    const image = new Image();
    image.addEventListener("load", () => ctx.drawImage(image, 0, 0));
    image.src = field.value;
    drawn = true;
  };
  const fit = () => {
    if (!canvas.clientWidth || canvas.width === canvas.clientWidth) return;
    canvas.width = canvas.clientWidth;
    ctx.lineWidth = 2;
    ctx.lineCap = "round";
    restore();
  };
  fit();
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
  pad.querySelector(".js-signature-clear").addEventListener("click", () => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    field.value = "";
    drawn = false;
  });
  form.addEventListener("submit", () => {
    field.value = drawn ? canvas.toDataURL("image/png") : "";
  });
  const condition = pad.dataset.showWhen;
  if (condition) {
    const [name, value] = condition.split("=");
    const sync = () => {
      const picked = form.querySelector(`input[name="${name}"]:checked`);
      pad.hidden = !picked || picked.value !== value;
      fit();  // a pad hidden at load has no width until shown
    };
    form.querySelectorAll(`input[name="${name}"]`).forEach((radio) => radio.addEventListener("change", sync));
    sync();
  }
});
