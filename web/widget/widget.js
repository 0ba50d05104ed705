/*
 * The hospital's website chat: one <script> tag puts a chat launcher on the page.
 *
 *   <script src="https://chat.your-hospital.org/widget/widget.js" defer
 *           data-server-url="https://chat.your-hospital.org:5005"
 *           data-hospital-name="Your Hospital"
 *           data-primary-color="#0a4f8f"></script>
 *
 * Settings (data-* attributes of the script tag):
 *   data-server-url          the Rasa server (its socket.io channel); default: where this file came from
 *   data-hospital-name       shown in the chat's title
 *   data-primary-color       launcher, header, your messages, the appointment button
 *   data-primary-text-color  text on the primary colour (default: white or black, whichever reads better)
 *   data-socket-path         socket.io path on the server (default /socket.io)
 *
 * Plain JavaScript, no framework. It loads widget.css and the vendored socket.io
 * client from its own folder. Message text is only ever set with textContent:
 * never parsed as HTML. The conversation (session id and transcript) is kept in
 * sessionStorage, so a reload continues it and closing the tab ends it.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__hospitalChatLoaded) return;
  window.__hospitalChatLoaded = true;

  var BASE = script.src.replace(/[^/]*$/, "");
  var data = script.dataset;
  var SERVER = (data.serverUrl || new URL(script.src).origin).replace(/\/+$/, "");
  var HOSPITAL = data.hospitalName || "Hospital";
  var STORE_KEY = "hospital-chat:" + SERVER;
  var MAX_KEPT = 200; // messages kept in sessionStorage
  var TYPING_TIMEOUT_MS = 30000;
  var APPOINTMENT_PAYLOAD = "/ask_appointment";
  var SVG = "http://www.w3.org/2000/svg";

  // ---- small DOM helpers (no innerHTML anywhere) ----
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (name === "className") node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function icon(pathData) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(SVG, "path");
    path.setAttribute("d", pathData);
    svg.appendChild(path);
    return svg;
  }

  var ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2zm3 5v2h10V9H7zm0 4v2h7v-2H7z",
    close: "M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7l-1.4-1.4L9.2 12 2.9 5.7l1.4-1.4 6.3 6.3 6.3-6.3z",
    calendar: "M7 2h2v2h6V2h2v2h3a1 1 0 0 1 1 1v15a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1h3V2zm12 8H5v9h14v-9z",
    send: "M3 20.5 21 12 3 3.5V10l12 2-12 2z"
  };

  // ---- colours: the hospital's, with text that always has enough contrast ----
  function rgb(colour) {
    var probe = el("span");
    probe.style.color = colour;
    if (!probe.style.color) return null; // not a colour
    document.body.appendChild(probe);
    var m = getComputedStyle(probe).color.match(/\d+(\.\d+)?/g);
    probe.remove();
    return m ? m.slice(0, 3).map(Number) : null;
  }
  function luminance(c) {
    var lin = c.map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  }
  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  function palette() {
    var WHITE = [255, 255, 255], INK = [27, 27, 27];
    var primary = rgb(data.primaryColor || "") || [10, 79, 143];
    var onPrimary = rgb(data.primaryTextColor || "");
    if (!onPrimary || contrast(primary, onPrimary) < 4.5) {
      onPrimary = contrast(primary, WHITE) >= contrast(primary, INK) ? WHITE : INK;
    }
    // Links, outlines and focus rings on the white chat background use the primary
    // colour when it is dark enough, a near-black otherwise.
    var ink = contrast(primary, [240, 242, 245]) >= 4.5 ? primary : INK;
    function css(c) { return "rgb(" + c.join(", ") + ")"; }
    return { "--hc-primary": css(primary), "--hc-on-primary": css(onPrimary), "--hc-ink": css(ink) };
  }

  // ---- the conversation kept for this tab ----
  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || "null");
      if (saved && Array.isArray(saved.messages)) return saved;
    } catch (e) { /* storage blocked or damaged: start afresh */ }
    return { sessionId: null, messages: [], open: false, greeted: false };
  }
  var state = load();
  function save() {
    state.messages = state.messages.slice(-MAX_KEPT);
    try { sessionStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* private mode: no memory */ }
  }

  // ---- links in the assistant's text: web addresses and phone numbers ----
  // A URL; a phone number like (617) 555-0142, 617-555-0142 or +1 617 555 0142;
  // or a short number after "call"/"dial" (the emergency number).
  var LINKABLE = /(https?:\/\/[^\s<>"']+)|((?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)|\d{2,4})[\s.-]?\d{3,4}[\s.-]?\d{3,4})|\b((?:call|dial)\s+)(\d{3})\b/gi;

  function link(href, label, newTab) {
    var a = el("a", { href: href, text: label });
    if (newTab) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.appendChild(el("span", { className: "sr", text: " (opens in a new tab)" }));
    }
    return a;
  }

  function linkify(text) {
    var out = document.createDocumentFragment();
    var last = 0, m;
    LINKABLE.lastIndex = 0;
    while ((m = LINKABLE.exec(text))) {
      var start = m.index, node = null, end = LINKABLE.lastIndex;
      if (m[1]) {
        var url = m[1].replace(/[.,;:!?)\]]+$/, "");
        end = start + url.length;
        node = link(url, url, true);
      } else if (m[2]) {
        node = link("tel:" + m[2].replace(/[^\d+]/g, ""), m[2], false);
      } else {
        out.appendChild(document.createTextNode(text.slice(last, start) + m[3]));
        last = start = start + m[3].length;
        node = link("tel:" + m[4], m[4], false);
      }
      out.appendChild(document.createTextNode(text.slice(last, start)));
      out.appendChild(node);
      last = end;
      LINKABLE.lastIndex = end;
    }
    out.appendChild(document.createTextNode(text.slice(last)));
    return out;
  }

  // ---- the widget's DOM, in a shadow root so the page's CSS and ours don't mix ----
  var host = el("aside", { id: "hospital-chat", "aria-label": "Chat with the " + HOSPITAL + " assistant" });
  host.hidden = true; // until its CSS has loaded
  var root = host.attachShadow({ mode: "open" });
  var stylesheet = el("link", { rel: "stylesheet", href: BASE + "widget.css" });
  stylesheet.addEventListener("load", function () { host.hidden = false; });
  stylesheet.addEventListener("error", function () { host.hidden = false; });

  var launcher = el("button", { type: "button", className: "launcher", "aria-expanded": "false",
    "aria-controls": "hc-panel" }, [icon(ICONS.chat), el("span", { text: "Questions? Chat with us" })]);
  var closeButton = el("button", { type: "button", className: "close", "aria-label": "Close chat" },
    [icon(ICONS.close)]);
  var status = el("p", { className: "status", role: "status" });
  var log = el("div", { className: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": "Conversation", tabindex: "0" });
  var typing = el("div", { className: "typing", role: "status" });
  var typingDots = el("span", { className: "dots", "aria-hidden": "true" },
    [el("span"), el("span"), el("span")]);
  var input = el("input", { id: "hc-input", type: "text", autocomplete: "off", maxlength: "1000",
    enterkeyhint: "send", placeholder: "Type your question" });
  var sendButton = el("button", { type: "submit", className: "send" },
    [icon(ICONS.send), el("span", { className: "sr", text: "Send" })]);
  var form = el("form", { className: "composer" }, [
    el("label", { for: "hc-input", className: "sr", text: "Your question" }), input, sendButton
  ]);
  var panel = el("div", { id: "hc-panel", className: "panel", role: "dialog", "aria-labelledby": "hc-title",
    "aria-describedby": "hc-subtitle" }, [
    el("div", { className: "header" }, [
      el("div", { className: "titles" }, [
        el("h2", { id: "hc-title", text: HOSPITAL + " assistant" }),
        el("p", { id: "hc-subtitle", text: "General information about spinal tumor treatment. Not medical advice." })
      ]),
      closeButton
    ]),
    status, log, typing, form
  ]);
  panel.hidden = true;
  root.appendChild(stylesheet);
  root.appendChild(el("div", { className: "hc" }, [launcher, panel]));

  // ---- rendering messages ----
  function scrollToEnd() { log.scrollTop = log.scrollHeight; }

  function messageNode(message) {
    var bot = message.from === "bot";
    var body = el("p", { className: "text" });
    body.appendChild(bot ? linkify(message.text) : document.createTextNode(message.text));
    var node = el("div", { className: "msg " + (bot ? "bot" : "user") }, [
      el("span", { className: "sr", text: bot ? "Assistant: " : "You: " }), body
    ]);
    var replies = message.replies || [];
    if (replies.some(function (r) { return r.payload === APPOINTMENT_PAYLOAD; })) node.classList.add("prompt");
    return node;
  }

  function repliesNode(message) {
    var group = el("div", { className: "replies", role: "group", "aria-label": "Suggested replies" });
    message.replies.forEach(function (reply) {
      var cta = reply.payload === APPOINTMENT_PAYLOAD;
      if (cta) group.classList.add("has-cta");
      var button = el("button", { type: "button", className: cta ? "reply cta" : "reply" },
        cta ? [icon(ICONS.calendar), el("span", { text: reply.title })] : [el("span", { text: reply.title })]);
      button.addEventListener("click", function () {
        send(reply.payload, reply.title);
        input.focus();
      });
      group.appendChild(button);
    });
    return group;
  }

  // A new answer is shown from the question that led to it: a long answer is read from its start.
  var turnStart = null;
  function scrollToTurn() {
    if (!turnStart) return scrollToEnd();
    log.scrollTop = Math.min(turnStart.offsetTop - 12, log.scrollHeight - log.clientHeight);
  }

  function render(message) {
    var node = messageNode(message);
    log.appendChild(node);
    if (message.from === "bot" && message.replies && message.replies.length && !message.answered) {
      log.appendChild(repliesNode(message));
    }
    if (message.from === "user") turnStart = node;
    scrollToTurn();
  }

  function addMessage(message) {
    state.messages.push(message);
    save();
    render(message);
  }

  // Quick replies belong to the turn they came with: sending anything retires them.
  function retireReplies() {
    state.messages.forEach(function (m) { if (m.replies && m.replies.length) m.answered = true; });
    Array.prototype.forEach.call(log.querySelectorAll(".replies"), function (g) { g.remove(); });
  }

  // ---- the typing indicator ----
  var typingTimer = null;
  function showTyping(on) {
    clearTimeout(typingTimer);
    typing.classList.toggle("on", on);
    typing.replaceChildren();
    if (on) {
      typing.appendChild(typingDots);
      typing.appendChild(el("span", { className: "sr", text: "The assistant is typing" }));
      typingTimer = setTimeout(function () { showTyping(false); }, TYPING_TIMEOUT_MS);
    }
  }

  // ---- connection status, told to the user ----
  var statusTimer = null, offlineText = "Connecting…";
  function setStatus(text, kind) {
    clearTimeout(statusTimer);
    if (status.textContent !== (text || "")) status.textContent = text || ""; // unchanged: not read again
    status.className = "status" + (text ? " " + (kind || "info") : "");
    if (kind === "ok") statusTimer = setTimeout(function () { setStatus(""); }, 4000);
  }
  function offline(text) {
    offlineText = text;
    var waiting = pending.length ? " Your message will be sent when the connection is back." : "";
    setStatus(text + waiting, text === "Connecting…" && !waiting ? "info" : "warn");
  }

  // ---- talking to the server ----
  var socket = null, ready = false, pending = [], everConnected = false;

  function emit(payload) {
    socket.emit("user_uttered", { message: payload, session_id: state.sessionId });
    showTyping(true);
  }

  function send(payload, shownText) {
    retireReplies();
    addMessage({ from: "user", text: shownText });
    if (ready) {
      emit(payload);
    } else {
      pending.push(payload);
      offline(offlineText);
      connect();
    }
  }

  function onBotMessage(message) {
    showTyping(false);
    if (!message || typeof message.text !== "string" || !message.text) return;
    var replies = (message.quick_replies || message.buttons || []).filter(function (r) {
      return r && typeof r.title === "string" && typeof r.payload === "string";
    }).map(function (r) { return { title: r.title, payload: r.payload }; });
    addMessage({ from: "bot", text: message.text, replies: replies });
  }

  function withSocketIo(then) {
    if (withSocketIo.io) return then(withSocketIo.io);
    // Our own copy of the socket.io client, without disturbing a page that has another one.
    var before = window.io;
    var tag = el("script", { src: BASE + "vendor/socket.io.min.js" });
    tag.addEventListener("load", function () {
      withSocketIo.io = window.io;
      if (before) window.io = before; else delete window.io;
      then(withSocketIo.io);
    });
    tag.addEventListener("error", function () {
      setStatus("The chat could not load. Please try again later.", "warn");
    });
    document.head.appendChild(tag);
  }

  function connect() {
    if (socket) return;
    socket = true; // connecting
    offline("Connecting…");
    withSocketIo(function (io) {
      socket = io(SERVER, {
        path: data.socketPath || "/socket.io",
        transports: ["websocket", "polling"],
        tryAllTransports: true,
        reconnectionDelayMax: 5000
      });
      socket.on("connect", function () {
        socket.emit("session_request", { session_id: state.sessionId });
      });
      socket.on("session_confirm", function (sessionId) {
        state.sessionId = typeof sessionId === "string" ? sessionId : (sessionId && sessionId.session_id);
        save();
        ready = true;
        setStatus(everConnected ? "Connected again." : "", "ok");
        everConnected = true;
        if (!state.greeted) { // the greeting carries the "not medical advice" disclaimer
          state.greeted = true;
          save();
          emit("/greet");
        }
        while (pending.length) emit(pending.shift());
      });
      socket.on("bot_uttered", onBotMessage);
      socket.on("disconnect", function () {
        ready = false;
        showTyping(false);
        offline("Connection lost. Reconnecting…");
      });
      socket.on("connect_error", function () {
        ready = false;
        offline(everConnected ? "Connection lost. Reconnecting…" : "Can't reach the assistant right now. Trying again…");
      });
    });
  }

  // ---- opening and closing ----
  var narrow = window.matchMedia("(max-width: 480px)");
  function open(focus) {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    panel.setAttribute("aria-modal", narrow.matches ? "true" : "false");
    state.open = true;
    save();
    scrollToEnd();
    connect();
    if (focus) input.focus();
  }
  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    save();
    launcher.focus();
  }

  launcher.addEventListener("click", function () { open(true); });
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "Tab" && narrow.matches) {
      // Full screen on a phone: keep Tab inside the chat.
      var focusable = Array.prototype.filter.call(
        panel.querySelectorAll("button, input, a[href], [tabindex='0']"),
        function (n) { return n.offsetParent !== null && !n.disabled; });
      var first = focusable[0], last = focusable[focusable.length - 1];
      var current = root.activeElement;
      if (event.shiftKey && current === first) { event.preventDefault(); last.focus(); }
      else if (!event.shiftKey && current === last) { event.preventDefault(); first.focus(); }
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text, text);
  });

  // ---- start: the transcript of this tab, then the page ----
  state.messages.forEach(render);
  turnStart = null;
  function start() {
    var colours = palette();
    Object.keys(colours).forEach(function (name) { host.style.setProperty(name, colours[name]); });
    document.body.appendChild(host);
    if (state.open) open(false);
  }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
