/* auditkit report: behaviour on screen only. Inlined by auditkit/report/html.py as the report's one script, after
   AUDITKIT_UI (the fixed words, from the message catalogue of the report's language). No network, no libraries.
   WeasyPrint runs no script, so the PDF never sees any of this; without JavaScript the page reads as the printed
   report does (everything expanded, tables in their printed order). Everything added here carries the class
   "ak-ui", which the stylesheet hides in print.
   - annexes and the diagnostics blocks in Annex F get a show/hide button (annexes start collapsed); following a link
     into a collapsed part opens it;
   - data tables with more than MIN_ROWS rows get a filter box and sortable column headers;
   - the side navigation marks the section in view. */
(function () {
  "use strict";
  var ui = typeof AUDITKIT_UI === "object" ? AUDITKIT_UI : {};
  var MIN_ROWS = 8;
  var root = document.documentElement;
  var lang = root.getAttribute("lang") || "en";

  function word(key, fallback) {
    return Object.prototype.hasOwnProperty.call(ui, key) ? ui[key] : fallback;
  }

  function make(tag, cls, text) {
    var el = document.createElement(tag);
    el.className = cls ? "ak-ui " + cls : "ak-ui";
    if (text !== undefined) {
      el.textContent = text;
    }
    return el;
  }

  /* --- collapsible annexes and diagnostics ------------------------------------------------------------ */
  var boxes = [];

  function setCollapsed(box, collapsed) {
    box.classList.toggle("ak-collapsed", collapsed);
    var button = box.akButton;
    button.textContent = collapsed ? word("show", "show") : word("hide", "hide");
    button.setAttribute("aria-expanded", collapsed ? "false" : "true");
  }

  function collapsible(box, heading, collapsed) {
    if (!heading) {
      return;
    }
    var button = make("button", "ak-toggle");
    button.type = "button";
    button.addEventListener("click", function (event) {
      event.preventDefault();
      event.stopPropagation();
      setCollapsed(box, !box.classList.contains("ak-collapsed"));
    });
    heading.appendChild(button);
    box.akButton = button;
    boxes.push(box);
    setCollapsed(box, collapsed);
  }

  Array.prototype.forEach.call(document.querySelectorAll("section.annex"), function (section) {
    collapsible(section, section.querySelector("h1"), true);
  });
  Array.prototype.forEach.call(document.querySelectorAll("article.diagnostics"), function (article) {
    collapsible(article, article.querySelector("h3"), false);
  });

  /* open every collapsed part that holds (or is) the element with this id */
  function reveal(id) {
    var target = id ? document.getElementById(id) : null;
    for (var node = target; node; node = node.parentElement) {
      if (node.classList && node.classList.contains("ak-collapsed")) {
        setCollapsed(node, false);
      }
    }
    return target;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (link) {
      reveal(decodeURIComponent(link.getAttribute("href").slice(1)));
    }
  });
  window.addEventListener("hashchange", function () {
    var target = reveal(decodeURIComponent(location.hash.slice(1)));
    if (target) {
      target.scrollIntoView();
    }
  });
  if (location.hash) {
    var first = reveal(decodeURIComponent(location.hash.slice(1)));
    if (first) {
      first.scrollIntoView();
    }
  }

  /* --- sortable and filterable data tables ------------------------------------------------------------- */
  var NUMBER = /^[<>\u2264\u2265\u2248~]?\s*([-+\u2212]?(?:\d+(?:[.,]\d+)?|[.,]\d+)(?:e[-+\u2212]?\d+)?)\s*(%|pp|p\.p\.|Pp\.)?/i;
  var EMPTY = /^(|\u2014|\u2013|-|n\/a)$/i;

  function cellText(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function numberOf(text) {
    var match = NUMBER.exec(text.replace(/[\u00a0\u202f\u2009]/g, ""));
    if (!match) {
      return null;
    }
    return parseFloat(match[1].replace("\u2212", "-").replace(",", "."));
  }

  function sortTable(table, index, header) {
    var body = table.tBodies[0];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.setAttribute("aria-sort", "none");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    var texts = rows.map(function (row) { return cellText(row, index); });
    var numeric = texts.every(function (text) { return EMPTY.test(text) || numberOf(text) !== null; }) &&
      texts.some(function (text) { return !EMPTY.test(text); });
    var keyed = rows.map(function (row, i) {
      var text = texts[i];
      return { row: row, i: i, empty: EMPTY.test(text), key: numeric ? numberOf(text) : text };
    });
    keyed.sort(function (a, b) {
      if (a.empty !== b.empty) {
        return a.empty ? 1 : -1;  /* rows without a value last, in either direction */
      }
      var order = 0;
      if (!a.empty) {
        order = numeric ? a.key - b.key : a.key.localeCompare(b.key, lang, { numeric: true, sensitivity: "base" });
      }
      return (ascending ? order : -order) || a.i - b.i;
    });
    keyed.forEach(function (k) { body.appendChild(k.row); });
  }

  function enhanceTable(table, n) {
    var body = table.tBodies[0];
    var tools = make("div", "ak-tools");
    var input = make("input", "ak-filter");
    input.type = "search";
    input.placeholder = word("filter_placeholder", "Filter rows");
    input.setAttribute("aria-label", word("filter", "Filter rows"));
    var count = make("span", "ak-count");
    var total = body.rows.length;
    function update() {
      var query = input.value.toLocaleLowerCase(lang).trim();
      var shown = 0;
      Array.prototype.forEach.call(body.rows, function (row) {
        var hit = !query || row.textContent.toLocaleLowerCase(lang).indexOf(query) >= 0;
        row.hidden = !hit;
        shown += hit ? 1 : 0;
      });
      count.textContent = word("rows_shown", "{shown} of {total} rows")
        .replace("{shown}", String(shown)).replace("{total}", String(total));
    }
    input.addEventListener("input", update);
    tools.appendChild(input);
    tools.appendChild(count);
    table.parentNode.insertBefore(tools, table);
    update();
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.classList.add("ak-sortable");
      th.setAttribute("tabindex", "0");
      th.setAttribute("title", word("sort", "Sort"));
      th.setAttribute("aria-sort", "none");
      th.addEventListener("click", function () { sortTable(table, index, th); });
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sortTable(table, index, th);
        }
      });
    });
    table.setAttribute("data-ak-table", String(n));
  }

  var tableCount = 0;
  Array.prototype.forEach.call(document.querySelectorAll("table.data"), function (table) {
    if (table.tHead && table.tHead.rows.length === 1 && table.tBodies.length === 1 &&
        table.tBodies[0].rows.length > MIN_ROWS) {
      tableCount += 1;
      enhanceTable(table, tableCount);
    }
  });

  /* --- side navigation: expand/collapse all, and the section in view ----------------------------------- */
  var nav = document.querySelector("nav.sidenav");
  if (nav) {
    var bar = make("p", "ak-navtools");
    var expand = make("button", "ak-all", word("expand_all", "Expand all"));
    var collapse = make("button", "ak-all", word("collapse_all", "Collapse annexes"));
    expand.type = collapse.type = "button";
    expand.addEventListener("click", function () {
      boxes.forEach(function (box) { setCollapsed(box, false); });
    });
    collapse.addEventListener("click", function () {
      boxes.forEach(function (box) { setCollapsed(box, box.matches("section.annex")); });
    });
    bar.appendChild(expand);
    bar.appendChild(collapse);
    var head = nav.querySelector(".sidenav-head");
    nav.insertBefore(bar, head ? head.nextSibling : nav.firstChild);

    var links = Array.prototype.filter.call(nav.querySelectorAll("a[href^='#']"), function (a) {
      return document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
    });
    var current = null;
    var pending = false;
    function spy() {
      pending = false;
      var active = null;
      links.forEach(function (a) {
        var target = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
        if (target.offsetParent !== null && target.getBoundingClientRect().top < 120) {
          active = a;
        }
      });
      if (active !== current) {
        if (current) {
          current.classList.remove("ak-current");
        }
        if (active) {
          active.classList.add("ak-current");
          var box = active.getBoundingClientRect();
          var frame = nav.getBoundingClientRect();
          if (box.top < frame.top || box.bottom > frame.bottom) {
            nav.scrollTop += box.top - frame.top - frame.height / 3;
          }
        }
        current = active;
      }
    }
    window.addEventListener("scroll", function () {
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(spy);
      }
    }, { passive: true });
    spy();
  }

  root.setAttribute("data-auditkit-screen", "ready");
  root.setAttribute("data-auditkit-tables", String(tableCount));
}());
