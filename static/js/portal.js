/* Lắng Nghe — small progressive enhancements for the public site. Every page works without
   this file; it only adds conveniences where the browser supports them. ES5 on purpose:
   cheap phones run old browsers. */
(function () {
  "use strict";
  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  /* Receipt: a print button. */
  $all("[data-print]").forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener("click", function () { window.print(); });
  });

  /* One tap, one submission: a second tap on a slow network would send the form twice. */
  $all("form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var btn = form.querySelector("button[type=submit]");
      if (form.getAttribute("data-sent")) { return; }
      form.setAttribute("data-sent", "1");
      if (btn) { setTimeout(function () { btn.disabled = true; }, 0); }
    });
  });

  /* Tracking: a QR code made with "include the secret" carries it after '#', never sent to
     the server; copy it into the form and drop it from the address bar and history. */
  var trackForm = $("[data-secret-from-hash]");
  if (trackForm && /^#mm=/.test(location.hash)) {
    var secret = $("#id_secret", trackForm);
    if (secret) { secret.value = decodeURIComponent(location.hash.slice(4)); }
    if (history.replaceState) { history.replaceState(null, "", location.pathname + location.search); }
  }

  /* Cadre picker: search by name as you type (the form also works with the plain list or by
     typing a name, resolved on the server). */
  $all("[data-person-picker]").forEach(function (box) {
    if (!window.fetch) { return; }
    var select = $("select[name=concerned_person]", box);
    var hidden = $("input[type=hidden][name=concerned_person]", box);
    var nameInput = $("#id_concerned_person_name", box);
    var input = nameInput;
    if (!input && select) {
      input = document.createElement("input");
      input.type = "search";
      input.id = "id_person_search";
      input.setAttribute("autocomplete", "off");
      var label = document.createElement("label");
      label.htmlFor = input.id;
      label.textContent = box.getAttribute("data-label");
      var wrap = document.createElement("div");
      wrap.className = "field";
      wrap.appendChild(label);
      wrap.appendChild(input);
      box.insertBefore(wrap, box.firstChild);
    }
    if (!input) { return; }
    var list = document.createElement("ul");
    list.className = "picker-results";
    list.id = "person-results";
    list.setAttribute("aria-live", "polite");
    input.setAttribute("aria-controls", list.id);
    input.parentNode.appendChild(list);
    var timer = null;
    var seq = 0;
    function choose(item) {
      if (select) { select.value = String(item.id); }
      if (hidden) { hidden.value = String(item.id); }
      input.value = item.name;
      list.innerHTML = "";
    }
    input.addEventListener("input", function () {
      if (hidden) { hidden.value = ""; }
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { list.innerHTML = ""; return; }
      timer = setTimeout(function () {
        var mine = ++seq;
        fetch(box.getAttribute("data-url") + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            if (mine !== seq) { return; }
            list.innerHTML = "";
            if (!data.results.length) {
              var li = document.createElement("li");
              li.textContent = box.getAttribute("data-empty");
              list.appendChild(li);
              return;
            }
            data.results.forEach(function (item) {
              var li = document.createElement("li");
              var b = document.createElement("button");
              b.type = "button";
              b.textContent = item.detail ? item.name + " — " + item.detail : item.name;
              b.addEventListener("click", function () { choose(item); });
              li.appendChild(b);
              list.appendChild(li);
            });
          })["catch"](function () { list.innerHTML = ""; });
      }, 250);
    });
  });

  /* Voice note: record in the page where the browser allows it, and attach the recording to
     the audio file input (otherwise that input's own `capture` opens the phone's recorder). */
  var rec = $("[data-recorder]");
  var audioInput = $("#id_attachments_audio");
  var canRecord = rec && audioInput && window.MediaRecorder && navigator.mediaDevices &&
    navigator.mediaDevices.getUserMedia && typeof DataTransfer === "function";
  if (canRecord) {
    var start = $("[data-record-start]", rec);
    var stop = $("[data-record-stop]", rec);
    var status = $("[data-record-status]", rec);
    var recorder = null;
    var chunks = [];
    rec.hidden = false;
    start.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        chunks = [];
        recorder = new MediaRecorder(stream);
        recorder.ondataavailable = function (e) { if (e.data.size) { chunks.push(e.data); } };
        recorder.onstop = function () {
          stream.getTracks().forEach(function (t) { t.stop(); });
          var type = (recorder.mimeType || "audio/webm").split(";")[0];
          var ext = type.indexOf("mp4") >= 0 ? "m4a" : (type.indexOf("ogg") >= 0 ? "ogg" : "webm");
          try {
            var dt = new DataTransfer();
            dt.items.add(new File([new Blob(chunks, { type: type })], "ghi-am." + ext, { type: type }));
            audioInput.files = dt.files;
            status.textContent = status.getAttribute("data-done");
          } catch (err) {
            status.textContent = status.getAttribute("data-error");
          }
          start.hidden = false;
          stop.hidden = true;
        };
        recorder.start();
        status.textContent = status.getAttribute("data-recording");
        start.hidden = true;
        stop.hidden = false;
        stop.focus();
      })["catch"](function () { status.textContent = status.getAttribute("data-error"); });
    });
    stop.addEventListener("click", function () { if (recorder && recorder.state !== "inactive") { recorder.stop(); } });
  }
}());
