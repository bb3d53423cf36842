/*
 * bjaikg query editor: YASGUI (installed from npm, served from node_modules) wired to /sparql.
 *
 * - autocompletion of prefixes, classes and properties from this graph's own ontology, so
 *   nothing is fetched from prefix.cc or LOV (the page works offline, docs/architecture.md#offline-first);
 * - the example questions load into the editor and run;
 * - the query is kept in the URL's fragment (YASGUI's share-link format), so a link reproduces it;
 *   the page's ?lang= stays the page's: in the address and links, never sent to the endpoint;
 *   the language switch carries the query being edited to the other language;
 * - IRIs of this graph in the result table link to their pages on this server (keeping ?lang=);
 * - a bar chart view for results with a numeric column (aggregates);
 * - YASR's views, table controls, result count, table footer and error link in the page's language;
 * - accessible names on YASGUI's form controls, and the skip link straight into the editor.
 */
(function () {
  "use strict";

  var configuration = JSON.parse(document.getElementById("editor-configuration").textContent);
  var Yasgui = window.Yasgui;
  var Yasqe = Yasgui.Yasqe;
  var Yasr = Yasgui.Yasr;
  var NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger|positiveInteger)$/;
  /* The page's language if the reader chose it with ?lang= (else null): the address and local
     links keep it, as the server's pages do. */
  var chosenLanguage = new URLSearchParams(window.location.search).get("lang") === configuration.language ?
    configuration.language : null;

  /* The words YASR and DataTables (its table) draw in English, in the page's language (null on
     an English page): the table's footer, empty table, sort and pager buttons' names (DataTables'
     language option), the pager's name and the error view's link to the query by GET. */
  var resultWords = configuration.yasrWords;

  function prefixDeclarations() {
    return Object.keys(configuration.prefixes).map(function (name) {
      return name + ": <" + configuration.prefixes[name] + ">";
    }).sort();
  }

  Yasqe.forkAutocompleter("prefixes", {
    name: "bjaikg-prefixes", persistenceId: null, get: prefixDeclarations
  }, false);
  Yasqe.forkAutocompleter("class", {
    name: "bjaikg-class", bulk: true, autoShow: false, persistenceId: null,
    get: function () { return configuration.classes; }
  }, false);
  Yasqe.forkAutocompleter("property", {
    name: "bjaikg-property", bulk: true, autoShow: false, persistenceId: null,
    get: function () { return configuration.properties; }
  }, false);

  /* A local address that keeps the reader's ?lang= (before any #fragment). */
  function keepLanguage(address) {
    if (!chosenLanguage) return address;
    var parts = address.split("#");
    parts[0] += (parts[0].indexOf("?") < 0 ? "?" : "&") + "lang=" + encodeURIComponent(chosenLanguage);
    return parts.join("#");
  }

  /* Local address of an IRI of this graph, or null. */
  function localAddress(iri) {
    var namespaces = configuration.localNamespaces;
    for (var namespace in namespaces) {
      if (iri.indexOf(namespace) === 0 && iri.length > namespace.length) {
        return namespaces[namespace] + iri.substring(namespace.length);
      }
    }
    return null;
  }

  /* Bar chart of the first numeric column against the first other column. */
  function ChartPlugin(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = configuration.chartLabel;
  }
  ChartPlugin.prototype.columns = function () {
    var results = this.yasr.results;
    if (!results || !results.getBindings || !results.getVariables) return null;
    var bindings = results.getBindings();
    var variables = results.getVariables();
    if (!bindings || bindings.length === 0 || bindings.length > 200) return null;
    var value = null, category = null;
    variables.forEach(function (name) {
      var numeric = bindings.every(function (row) {
        return row[name] && row[name].type === "literal" && NUMERIC.test(row[name].datatype || "");
      });
      if (numeric && value === null) value = name;
      else if (!numeric && category === null) category = name;
    });
    return value === null ? null : { value: value, category: category, bindings: bindings };
  };
  ChartPlugin.prototype.canHandleResults = function () { return this.columns() !== null; };
  ChartPlugin.prototype.getIcon = function () {
    var icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = "▮▮";
    return icon;
  };
  ChartPlugin.prototype.draw = function () {
    var columns = this.columns();
    var svgNs = "http://www.w3.org/2000/svg";
    var rows = columns.bindings;
    var maximum = Math.max.apply(null, rows.map(function (row) { return Number(row[columns.value].value); }).concat([1]));
    var width = 760, left = 260, barHeight = 22, gap = 6;
    var height = rows.length * (barHeight + gap) + 10;
    var svg = document.createElementNS(svgNs, "svg");
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", columns.value + (columns.category ? " / " + columns.category : ""));
    rows.forEach(function (row, index) {
      var number = Number(row[columns.value].value);
      var term = columns.category ? row[columns.category] : null;
      var label = term ? (term.type === "uri" ? shorten(term.value) : term.value) : String(index + 1);
      var y = index * (barHeight + gap) + 5;
      var text = document.createElementNS(svgNs, "text");
      text.setAttribute("x", left - 8); text.setAttribute("y", y + barHeight * 0.7);
      text.setAttribute("text-anchor", "end"); text.textContent = label;
      var bar = document.createElementNS(svgNs, "rect");
      bar.setAttribute("class", "bar"); bar.setAttribute("x", left); bar.setAttribute("y", y);
      bar.setAttribute("height", barHeight);
      bar.setAttribute("width", Math.max(1, (width - left - 60) * number / maximum));
      var title = document.createElementNS(svgNs, "title");
      title.textContent = label + ": " + number; bar.appendChild(title);
      var figure = document.createElementNS(svgNs, "text");
      figure.setAttribute("x", left + Math.max(1, (width - left - 60) * number / maximum) + 6);
      figure.setAttribute("y", y + barHeight * 0.7); figure.textContent = String(number);
      svg.appendChild(text); svg.appendChild(bar); svg.appendChild(figure);
    });
    var container = document.createElement("div");
    container.className = "chart-plugin";
    container.appendChild(svg);
    this.yasr.resultsEl.appendChild(container);
  };

  function shorten(iri) {
    var best = null;
    for (var name in configuration.prefixes) {
      var namespace = configuration.prefixes[name];
      if (iri.indexOf(namespace) === 0 && (!best || namespace.length > best.namespace.length)) {
        best = { name: name, namespace: namespace };
      }
    }
    return best ? best.name + ":" + iri.substring(best.namespace.length) : iri;
  }

  Yasr.registerPlugin("chart", ChartPlugin);

  /* YASR's own views, named in the page's language: each sets its English label in its
     constructor, so a subclass names it after. */
  Object.keys(configuration.viewLabels).forEach(function (name) {
    var View = Yasr.plugins[name];
    Yasr.registerPlugin(name, class extends View {
      constructor(yasr) { super(yasr); this.label = configuration.viewLabels[name]; }
    });
  });

  /* YASR gives DataTables its table view's defaults (its own configuration of the view is not
     read), so the words go there. */
  if (resultWords) Object.assign(Yasr.plugins.table.defaults.tableConfig.language, resultWords.table);

  /* A link to the query: the page's address with its ?lang=, and the query (with what YASGUI
     keeps with it) in the fragment, YASGUI's share-link format. YASGUI makes it from the whole
     address, which put ?lang= in the fragment too; the share button and the address use this. */
  function shareLink(tab) {
    var link = Yasgui.linkUtils.createShareLink(window.location.origin + window.location.pathname, tab);
    return chosenLanguage ? link.replace("#", "?lang=" + encodeURIComponent(chosenLanguage) + "#") : link;
  }
  Yasgui.Tab.prototype.getShareableLink = function () { return shareLink(this); };

  /* YASGUI reads the address as it starts: it runs a query given there (?query=…, or a share
     link's #query=…), empties a fragment it has read (a new history entry, and a reload has
     lost the query), and makes each parameter it does not know, the page's ?lang= too, a
     request argument sent with every query. So while it starts, the address holds the query's
     parameters only, in the search part; after, the query as a share link (rememberInUrl) or
     the address as it was. */
  var address = window.location.href;
  var queryParameters = (/(^#|&)query=/.test(window.location.hash) ? window.location.hash : window.location.search)
    .substring(1).split("&").filter(function (pair) { return pair && !/^lang(=|$)/.test(pair); }).join("&");
  var queryInAddress = /(^|&)query=/.test(queryParameters);
  window.history.replaceState(null, "", window.location.pathname + (queryParameters ? "?" + queryParameters : ""));

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: new URL(configuration.endpoint, window.location.href).href, method: "POST" },
    copyEndpointOnNewTab: true,
    tabName: configuration.tabName,
    populateFromUrl: true,
    persistenceId: null,
    autofocus: false,
    endpointCatalogueOptions: { getData: function () { return []; } },
    yasqe: {
      value: configuration.defaultQuery,
      autocompleters: ["bjaikg-prefixes", "variables", "bjaikg-class", "bjaikg-property"],
      persistenceId: null,
      resizeable: true,
      editorHeight: "320px"
    },
    yasr: {
      prefixes: configuration.prefixes,
      pluginOrder: ["table", "chart", "response"],
      defaultPlugin: "table",
      persistenceId: null,
      plugins: { table: { dynamicConfig: { openIriInNewWindow: false } } }
    }
  });

  function currentTab() { return yasgui.getTab(); }

  /* Accessible names for YASGUI's form controls, which it draws without any (no label,
     aria-label or title): the query text, the endpoint, the Accept selects, the table's page
     size, a tab's name field. */
  function nameControls(root) {
    var names = configuration.names;
    function name(control, text) {
      if (control && text && !control.hasAttribute("aria-label")) control.setAttribute("aria-label", text);
    }
    root.querySelectorAll(".CodeMirror textarea").forEach(function (textarea) {
      name(textarea, names.query);
      textarea.setAttribute("aria-describedby", "editor-keys");
    });
    root.querySelectorAll(".autocompleteWrapper input").forEach(function (input) { name(input, names.endpoint); });
    root.querySelectorAll("[role=tab] input").forEach(function (input) { name(input, names.tab); });
    root.querySelectorAll(".acceptWrapper .selector").forEach(function (selector) {
      var label = selector.querySelector(".selectorLabel");
      name(selector.querySelector("select"), names.accept + (label ? ": " + label.textContent : ""));
    });
    root.querySelectorAll(".pageSizeWrapper").forEach(function (wrapper) {
      var label = wrapper.querySelector(".pageSizerLabel");
      name(wrapper.querySelector("select"), label && label.textContent.replace(/[:\s]+$/, ""));
    });
  }

  /* YASR draws its table's controls and the result count in English: on a page in another
     language they take the page's words (configuration.yasrWords, null on an English page). */
  function translateResults(root) {
    var words = configuration.yasrWords;
    if (!words) return;
    root.querySelectorAll(".tableControls .label, .pageSizerLabel, select.tableSizer option").forEach(function (element) {
      var text = words.controls[element.textContent];
      if (text) element.textContent = text;
    });
    root.querySelectorAll("input.tableFilter").forEach(function (input) {
      var text = words.controls[input.placeholder];
      if (text) { input.placeholder = text; input.setAttribute("aria-label", text); }
    });
    if (resultWords) {
      root.querySelectorAll(".dt-paging nav").forEach(function (nav) { nav.setAttribute("aria-label", resultWords.pager); });
      root.querySelectorAll("a.yasr_tryQuery").forEach(function (link) {  /* each change calls tidy again */
        if (link.textContent !== resultWords.tryQuery) link.textContent = resultWords.tryQuery;
      });
    }
    root.querySelectorAll(".yasr_response_chip").forEach(function (chip) {
      var count = /^(?:(\d+) results?|Response)(?: in ([\d.]+) seconds?)?$/.exec(chip.textContent);
      if (!count) return;
      chip.textContent = (count[1] ? words.rows.replace("{rows}", count[1]) : words.response) +
        (count[2] ? words.seconds.replace("{seconds}", count[2]) : "");
    });
  }

  /* Make IRIs of this graph in the results open their page on this server (each link once). */
  function linkResultsLocally(root) {
    root.querySelectorAll(".yasr_results a[href]:not([data-checked])").forEach(function (anchor) {
      anchor.setAttribute("data-checked", "");
      var local = localAddress(anchor.getAttribute("href"));
      if (local) {
        anchor.setAttribute("href", keepLanguage(local));
        anchor.removeAttribute("target");
      }
    });
  }

  /* Whatever YASGUI draws (a tab, a result table, a page of it) gets names and local links.
     Only child lists are watched, so the attributes set here do not call it again. Hazard: it
     runs on every change, typing in the editor included; each pass reads the unchecked links
     and the few controls only. */
  var editorRoot = document.getElementById("yasgui");
  function tidy() {
    nameControls(editorRoot);
    translateResults(editorRoot);
    linkResultsLocally(editorRoot);
  }
  tidy();
  new MutationObserver(tidy).observe(editorRoot, { childList: true, subtree: true });
  document.getElementById("editor-keys").hidden = false;  /* a hint for the editor, shown with it */

  /* The skip link to the editor puts the keyboard in the query text (without it, onto the section). */
  document.querySelectorAll('a[href="#query-editor"]').forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      currentTab().getYasqe().focus();
    });
  });

  /* Keep the query (and what YASGUI keeps with it) in the address bar, as its share link
     (?lang=…#query=…&endpoint=…): on every run, and once YASGUI has run the address's query. */
  function rememberInUrl(tab) {
    window.history.replaceState(null, "", shareLink(tab));
    carryQueryOnSwitch(tab);
  }

  /* The language switch opens the query being edited in the other language: the server wrote
     it as this page's address (an example's ?query= in it, or none), so it gets the fragment
     of the share link instead, and keeps only its ?lang=. Set on every run, and again when it
     is followed, for a query typed and not run. */
  var languageSwitch = document.querySelector(".language-switch");
  function carryQueryOnSwitch(tab) {
    if (!languageSwitch) return;
    var target = new URL(languageSwitch.href);
    var language = target.searchParams.get("lang");
    target.search = language ? "?lang=" + encodeURIComponent(language) : "";
    target.hash = new URL(shareLink(tab)).hash;
    languageSwitch.href = target.href;
  }
  if (languageSwitch) {
    languageSwitch.addEventListener("click", function () { carryQueryOnSwitch(currentTab()); });
  }

  yasgui.on("query", function (_instance, tab) { rememberInUrl(tab); });
  if (queryInAddress) rememberInUrl(currentTab());
  else window.history.replaceState(null, "", address);

  document.querySelectorAll(".example-link").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var tab = currentTab();
      tab.setQuery(new URL(link.href).searchParams.get("query"));  /* the address holds it once */
      /* The answer, an error included (403 for a SERVICE off the allow-list), shows in the
         results: the promise that YASGUI then rejects has nothing more to say. */
      tab.query().catch(function () {});
    });
  });
  window.bjaikgEditor = yasgui;
})();
