/* workshop-tui phone ballot: optional helpers (ES5). The form works without this file:
   it adds -/+ steppers and a live "dots left" line, and moves ranking places in the page
   (Move up / Move down post to the server when this file is not running). */
(function () {
  "use strict";
  var form = document.getElementById("ballot");
  var errors = document.getElementById("errors");
  if (errors) { errors.focus(); }
  if (!form) { return; }
  var status = document.getElementById("status");

  function dotsLeft() {
    var budget = parseInt(form.getAttribute("data-budget"), 10);
    if (isNaN(budget)) { return; }
    var inputs = form.querySelectorAll("input.dots"), spent = 0, i, n;
    for (i = 0; i < inputs.length; i++) {
      n = parseInt(inputs[i].value, 10);
      if (!isNaN(n)) { spent += n; }
    }
    var left = budget - spent, line = document.getElementById("left");
    var text = left >= 0 ? (left + " of " + budget + " dots left") : ((-left) + " dots over your " + budget);
    if (line) { line.textContent = text; }
    if (status) { status.textContent = text; }
  }

  function stepper(input) {
    var wrap = document.createElement("div"), minus = document.createElement("button"), plus = document.createElement("button");
    wrap.className = "stepper";
    minus.type = "button"; plus.type = "button";
    minus.textContent = "\u2212"; plus.textContent = "+";
    minus.setAttribute("aria-label", "One dot less"); plus.setAttribute("aria-label", "One dot more");
    function bump(d) {
      var n = parseInt(input.value, 10), max = parseInt(input.getAttribute("max"), 10);
      if (isNaN(n)) { n = 0; }
      n = Math.max(0, n + d);
      if (!isNaN(max)) { n = Math.min(max, n); }
      input.value = n === 0 ? "" : String(n);
      dotsLeft();
    }
    minus.onclick = function () { bump(-1); };
    plus.onclick = function () { bump(1); };
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(minus); wrap.appendChild(input); wrap.appendChild(plus);
    input.oninput = dotsLeft;
  }

  if (form.getAttribute("data-method") === "dots") {
    var dots = form.querySelectorAll("input.dots"), i;
    for (i = 0; i < dots.length; i++) { stepper(dots[i]); }
    dotsLeft();
  }

  if (form.getAttribute("data-method") === "ranking") {
    var list = form.querySelector("ol.ranking");
    var renumber = function () {
      var rows = list.querySelectorAll("li"), k, sel, buttons;
      for (k = 0; k < rows.length; k++) {
        sel = rows[k].querySelector("select");
        sel.value = String(k + 1);
        buttons = rows[k].querySelectorAll("button");
        buttons[0].disabled = k === 0;
        buttons[1].disabled = k === rows.length - 1;
      }
    };
    list.onclick = function (ev) {
      var b = ev.target;
      if (!b || b.tagName !== "BUTTON" || b.name !== "move") { return; }
      ev.preventDefault();
      var li = b.parentNode;
      while (li && li.tagName !== "LI") { li = li.parentNode; }
      var up = b.value.indexOf("up:") === 0;
      var other = up ? li.previousElementSibling : li.nextElementSibling;
      if (!other) { return; }
      if (up) { list.insertBefore(li, other); } else { list.insertBefore(other, li); }
      renumber();
      var again = li.querySelector(up ? "button[value^='up:']" : "button[value^='down:']");
      if (again && !again.disabled) { again.focus(); } else { b = li.querySelector("select"); if (b) { b.focus(); } }
      if (status) { status.textContent = li.querySelector("legend").textContent + ": place " +
        (Array.prototype.indexOf.call(list.children, li) + 1); }
    };
  }
}());
