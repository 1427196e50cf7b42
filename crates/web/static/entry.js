// chiso entry: checks numbers as they are typed (Vietnamese format:
// "1.205.780", "92,12") and marks invalid fields. The server checks again.
(function () {
  "use strict";
  function parseVi(s) {
    s = s.trim().replace(/%$/, "").replace(/\s/g, "");
    if (s === "") return { ok: true, empty: true };
    var neg = s.charAt(0) === "-";
    if (neg || s.charAt(0) === "+") s = s.slice(1);
    var m;
    if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(s)) {
      s = s.replace(/\./g, "").replace(",", ".");
    } else if (/^\d+,\d+$/.test(s)) {
      s = s.replace(",", ".");
    } else if ((m = /^\d+(\.\d+)?$/.test(s))) {
      // plain, or a decimal point
    } else {
      return { ok: false };
    }
    var x = parseFloat(s);
    if (isNaN(x)) return { ok: false };
    return { ok: true, value: neg ? -x : x };
  }
  function check(input) {
    var vt = input.getAttribute("data-vt");
    if (!vt || input.readOnly) return;
    var r = parseVi(input.value);
    var bad = !r.ok || (!r.empty && vt === "integer" && Math.round(r.value) !== r.value);
    input.classList.toggle("invalid", bad);
    input.setAttribute("aria-invalid", bad ? "true" : "false");
    var note = input.parentNode.querySelector(".js-error");
    if (bad && !note) {
      note = document.createElement("small");
      note.className = "field-error js-error";
      note.textContent = vt === "integer" ? "Cần một số nguyên, ví dụ 1.205" : "Cần một số, ví dụ 1.205,5";
      input.insertAdjacentElement("afterend", note);
    } else if (!bad && note) {
      note.remove();
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("entry-form");
    if (!form) return;
    var inputs = form.querySelectorAll("input[data-vt]");
    inputs.forEach(function (i) {
      i.addEventListener("input", function () { check(i); });
      i.addEventListener("blur", function () { check(i); });
    });
    var reminder = document.getElementById("reminder");
    if (reminder) reminder.addEventListener("focus", function () { reminder.select(); });
  });
})();
