/* Lắng Nghe — meetings: a print button where JavaScript runs; without it the page says to use
   the browser's own print command. ES5 on purpose (old phone browsers). */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () { window.print(); });
  }
})();
