// The content designer's little bit of JavaScript: the content rules and the preview as
// you type, and the training's progress. Everything is shown with textContent: nothing
// anyone typed is ever read as HTML. Without JavaScript the pages still work (the
// rules are checked when saving; the training page has a Refresh link).
(function () {
  "use strict";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function csrfOf(form) {
    var field = form.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  // ---- the topic form: rules and preview as you type ----
  var FIELDS = ["id", "title", "theme", "answer", "how_given", "source", "quotes", "note", "related", "examples", "general"];

  function showProblems(problems) {
    FIELDS.forEach(function (name) {
      var list = document.getElementById("problems-" + name);
      if (!list) return;
      var found = problems[name] || [];
      var same = list.children.length === found.length && found.every(function (p, i) {
        return list.children[i].dataset.text === p.text;
      });
      if (same) return;  // screen readers hear only what changed
      list.textContent = "";
      found.forEach(function (p) {
        var item = element("li", p.level);
        item.dataset.text = p.text;
        item.appendChild(element("span", "level", p.level === "error" ? "Must fix:" : "Look at:"));
        item.appendChild(document.createTextNode(" " + p.text));
        list.appendChild(item);
      });
    });
  }

  function showLimits(limits) {
    ["answer", "how_given"].forEach(function (name) {
      var node = document.getElementById("limits-" + name);
      var l = limits[name];
      if (!node || !l) return;
      var text = l.characters + " of at most " + l.max + " characters";
      if (l.grade !== null && l.grade !== undefined) text += " · reads at about US grade " + l.grade + " (aim for 6-8)";
      node.textContent = text + ".";
    });
    var examples = document.getElementById("limits-examples");
    if (examples && limits.examples) {
      examples.textContent = limits.examples.count + " different example question(s); at least " + limits.examples.min + " are needed.";
    }
  }

  function showPreview(preview) {
    var section = document.querySelector("[data-preview]");
    if (!section) return;
    var heading = section.querySelector("h2");
    section.textContent = "";
    section.appendChild(heading);
    if (preview.error) {
      section.appendChild(element("p", "notice error", preview.error));
      return;
    }
    [["answer", "The answer"], ["how_given", "After \"how is it given?\""]].forEach(function (pair) {
      var shown = preview[pair[0]];
      if (!shown) return;
      section.appendChild(element("h3", null, pair[1]));
      var both = element("div", "preview-pair");
      var web = element("div");
      web.appendChild(element("h4", null, "Website chat"));
      var chat = element("div", "chat");
      shown.web.forEach(function (message) {
        var bubble = element("div", "bubble");
        bubble.appendChild(element("p", null, message.text));
        if (message.buttons && message.buttons.length) {
          var chips = element("p", "chips");
          message.buttons.forEach(function (b) { chips.appendChild(element("span", "chip", b.title)); chips.appendChild(document.createTextNode(" ")); });
          bubble.appendChild(chips);
        }
        chat.appendChild(bubble);
      });
      web.appendChild(chat);
      var sms = element("div");
      sms.appendChild(element("h4", null, "Text message"));
      shown.sms.forEach(function (body) {
        var bubble = element("div", "sms");
        bubble.appendChild(element("p", null, body));
        sms.appendChild(bubble);
      });
      sms.appendChild(element("p", "limits", shown.sms_segments + " SMS segment(s): a text message is sent in pieces of 153 characters."));
      both.appendChild(web);
      both.appendChild(sms);
      section.appendChild(both);
    });
  }

  var form = document.getElementById("topic-form");
  if (form && form.dataset.check) {
    var timer = null, inFlight = null, sequence = 0;
    var check = function () {
      var mine = ++sequence;
      var data = new FormData(form);
      fetch(form.dataset.check, {method: "POST", body: data, credentials: "same-origin",
                                 headers: {"X-CSRF-Token": csrfOf(form)}})
        .then(function (reply) { return reply.ok ? reply.json() : null; })
        .then(function (result) {
          if (!result || mine !== sequence) return;  // an older answer: a newer check is on its way
          showProblems(result.problems || {});
          showLimits(result.limits || {});
          showPreview(result.preview || {});
        })
        .catch(function () { /* offline for a moment: saving checks everything anyway */ });
    };
    var later = function () { clearTimeout(timer); timer = setTimeout(check, 600); };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  }

  // ---- the training: progress while it runs ----
  var job = document.getElementById("job");
  if (job && job.dataset.running === "yes") {
    var offset = parseFloat(job.dataset.now) - Date.now() / 1000;
    var started = parseFloat(job.dataset.started);
    var elapsed = document.getElementById("job-elapsed");
    var doing = document.getElementById("job-doing");
    var minutes = function (seconds) {
      seconds = Math.max(0, Math.round(seconds));
      return Math.floor(seconds / 60) + " min " + (seconds % 60) + " s";
    };
    var tick = function () {
      if (elapsed && started) elapsed.textContent = "(" + minutes(Date.now() / 1000 + offset - started) + " so far)";
    };
    var poll = function () {
      fetch(job.dataset.statusUrl, {credentials: "same-origin"})
        .then(function (reply) { return reply.ok ? reply.json() : null; })
        .then(function (status) {
          if (!status || !status.job) return;
          if (status.job.stage === "ready" || status.job.stage === "failed") { window.location.assign("/training"); return; }
          if (doing && doing.textContent !== status.job.doing) doing.textContent = status.job.doing;
        })
        .catch(function () {});
    };
    tick();
    setInterval(tick, 1000);
    setInterval(poll, 3000);
  }

  // ---- after publishing: whether the assistant servers have loaded it ----
  var server = document.getElementById("server-status");
  if (server && server.dataset.waiting === "yes") {
    var tries = 0;
    var follow = setInterval(function () {
      if (++tries > 60) { clearInterval(follow); return; }
      fetch("/api/training", {credentials: "same-origin"})
        .then(function (reply) { return reply.ok ? reply.json() : null; })
        .then(function (status) {
          var servers = status && status.server && status.server.servers;
          if (!servers || !servers.length) return;
          var loaded = servers.filter(function (s) { return s.has_published; }).length;
          var text = "Loaded by " + loaded + " of " + servers.length + " assistant server(s).";
          if (server.textContent.trim() !== text) server.textContent = text;
          if (loaded === servers.length) clearInterval(follow);
        })
        .catch(function () {});
    }, 2000);
  }
})();
