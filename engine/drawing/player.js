// The sweepgrad player: steps one Graphviz SVG through the sweep (see player.py).
// Plain JavaScript, no libraries; every element is found inside the player's own
// <div>, so several players on one page do not meet.
function sweepgradPlayer(script, uid, data) {
  "use strict";

  function findRoot() {
    var near = script && script.closest ? script.closest(".sweepgrad-player") : null;
    if (near && near.id === uid) return near;
    var all = document.querySelectorAll(".sweepgrad-player");
    for (var i = 0; i < all.length; i++) {
      if (all[i].id === uid && !all[i].hasAttribute("data-ready")) return all[i];
    }
    return null;
  }

  function element(tag, className, text) {
    var made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  }

  function start(root) {
    root.setAttribute("data-ready", "");
    var steps = data.steps, total = steps.length, quiz = data.mode === "quiz";
    var figure = root.querySelector(".sgp-figure");
    // The picture comes as an image (what survives where scripts do not run); put the SVG
    // itself in its place, so that each step can restyle and relabel it.
    var still = figure.querySelector("img.sgp-still");
    if (still) {
      var encoded = still.getAttribute("src").split(",")[1];
      var bytes = Uint8Array.from(atob(encoded), function (c) { return c.charCodeAt(0); });
      figure.innerHTML = new TextDecoder("utf-8").decode(bytes);
    }
    var tagged = {};
    var marked = figure.querySelectorAll("[data-sg]");
    for (var i = 0; i < marked.length; i++) tagged[marked[i].getAttribute("data-sg")] = marked[i];
    var position = 0, timer = null, score = { right: 0, asked: 0 }, answered = {};

    var staticNote = root.querySelector(".sgp-static");
    if (staticNote) staticNote.style.display = "none";
    var controls = element("div", "sgp-controls");
    function button(text, title, action) {
      var made = element("button", "sgp-button", text);
      made.type = "button";
      made.title = title;
      made.setAttribute("aria-label", title);
      made.addEventListener("click", action);
      controls.appendChild(made);
      return made;
    }
    var reset = button("\u25c0\u25c0 reset", "back to the start", function () { stop(); show(0); });
    var previous = button("\u25c0 previous", "one step back", function () { stop(); show(position - 1); });
    var play = button("\u25b6 play", "play the steps", function () { timer ? stop() : go(); });
    var next = button("next \u25b6", "one step on", function () { stop(); show(position + 1); });
    var slider = element("input", "sgp-slider");
    slider.type = "range";
    slider.min = "0";
    slider.max = String(total);
    slider.value = "0";
    slider.setAttribute("aria-label", "step");
    slider.addEventListener("input", function () { stop(); show(Number(slider.value)); });
    controls.appendChild(slider);
    var counter = element("span", "sgp-counter");
    controls.appendChild(counter);
    // Controls, then the caption, then the picture: on a laptop's screen the step's words
    // stay in view above the node and edges they describe.
    var caption = element("div", "sgp-caption");
    root.insertBefore(controls, figure);
    root.insertBefore(caption, figure);

    var quizBox = null, prompt = null, input = null, feedback = null, tally = null;
    if (quiz) {
      quizBox = element("div", "sgp-quiz");
      prompt = element("label", "sgp-prompt");
      input = element("input", "sgp-answer");
      input.type = "text";
      input.setAttribute("inputmode", "decimal");
      input.setAttribute("aria-label", "your gradient");
      var check = element("button", "sgp-button sgp-check", "check");
      check.type = "button";
      check.addEventListener("click", function () { answer(); });
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); answer(); }
      });
      feedback = element("div", "sgp-feedback");
      tally = element("span", "sgp-tally");
      quizBox.appendChild(prompt);
      quizBox.appendChild(input);
      quizBox.appendChild(check);
      quizBox.appendChild(tally);
      quizBox.appendChild(feedback);
      root.insertBefore(quizBox, caption);
    }

    function setText(key, text, style) {
      var target = tagged[key];
      if (!target) return;
      target.textContent = text;
      target.setAttribute("class", style ? "sgp-" + style : "");
    }

    function mark(key, on, name) {
      var target = tagged[key], mark = name || "sgp-current";
      if (!target) return;
      var classes = (target.getAttribute("class") || "").split(" ").filter(function (c) {
        return c && c !== mark;
      });
      if (on) classes.push(mark);
      target.setAttribute("class", classes.join(" "));
    }

    function highlight(step, on) {
      mark(step.node, on);
      if (step.op) { mark(step.op, on); mark(step.node + ".out", on && data.mode === "forward"); }
      for (var i = 0; i < step.edges.length; i++) mark(step.edges[i], on);
    }

    function writeCaption(lines) {
      caption.textContent = "";
      for (var l = 0; l < lines.length; l++) caption.appendChild(element("div", "sgp-line", lines[l]));
    }

    // The caption keeps the height of its longest step, so the picture below never jumps.
    function fitCaption() {
      var tallest = 0;
      for (var s = 0; s < total; s++) {
        writeCaption(steps[s].caption);
        tallest = Math.max(tallest, caption.offsetHeight);
      }
      if (tallest > 0) caption.style.minHeight = tallest + "px";
    }

    function show(target) {
      position = Math.max(0, Math.min(total, target));
      for (var key in data.start) setText(key, data.start[key][0], data.start[key][1]);
      for (var k = 0; k < total; k++) { highlight(steps[k], false); mark(steps[k].node, false, "sgp-asking"); }
      for (var s = 0; s < position; s++) {
        var changes = steps[s].set;
        for (var c = 0; c < changes.length; c++) setText(changes[c][0], changes[c][1], changes[c][2]);
      }
      var lines;
      if (position > 0) {
        highlight(steps[position - 1], true);
        lines = steps[position - 1].caption;
      } else {
        lines = [data.mode === "forward"
          ? "Before the forward pass: no value is known yet. Press next to compute them in topological order."
          : "Before the sweep: no gradient is known yet. The sweep starts at the output, whose gradient is 1."];
      }
      if (quiz) lines = ask(lines);
      writeCaption(lines);
      slider.value = String(position);
      counter.textContent = "step " + position + " / " + total;
      previous.disabled = position === 0;
      reset.disabled = position === 0;
      next.disabled = position === total;
      play.textContent = timer ? "\u25ae\u25ae pause" : "\u25b6 play";
    }

    function ask(lines) {
      if (position === total) {
        prompt.textContent = "The sweep is done.";
        input.disabled = true;
        return lines;
      }
      var question = steps[position].question;
      setText(question.key, "grad ?", "asked");
      mark(steps[position].node, true, "sgp-asking");
      prompt.textContent = "Next: " + question.ask + " ";
      input.disabled = false;
      return lines;
    }

    function parse(text) {
      var cleaned = String(text).trim().replace(/\u2212/g, "-").replace(/,/g, ".");
      if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(cleaned)) return NaN;
      return Number(cleaned);
    }

    function answer() {
      if (position === total) return;
      var question = steps[position].question;
      var typed = parse(input.value);
      var right = !isNaN(typed) &&
        Math.abs(typed - question.value) <= 1e-3 * Math.max(1, Math.abs(question.value));
      if (!answered[position]) {
        answered[position] = true;
        score.asked += 1;
        if (right) score.right += 1;
      }
      feedback.textContent = (right ? "\u2714 Right: " : "\u2718 Not quite" +
        (isNaN(typed) ? " (that is not a number)" : " (you typed " + input.value.trim() + ")") +
        ". The gradient is ") + question.answer;
      feedback.setAttribute("class", "sgp-feedback " + (right ? "sgp-right" : "sgp-wrong"));
      tally.textContent = score.right + " of " + score.asked + " right";
      input.value = "";
      show(position + 1);
    }

    function go() {
      if (position === total) show(0);
      timer = setInterval(function () {
        if (position >= total) { stop(); return; }
        show(position + 1);
      }, 1100);
      play.textContent = "\u25ae\u25ae pause";
    }

    function stop() {
      if (timer) clearInterval(timer);
      timer = null;
      play.textContent = "\u25b6 play";
    }

    fitCaption();
    show(0);
  }

  // Where a front end runs the script before the output is in the page, try again shortly.
  var tries = 0;
  (function attempt() {
    var root = findRoot();
    if (root) { start(root); return; }
    if (tries++ < 50) setTimeout(attempt, 100);
  })();
}
