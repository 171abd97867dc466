// The local Hub's dashboard. Plain DOM, no framework, no build step.
//
// Every value shown comes from the Hub's JSON and may be user input (tags, job names, log
// lines): it only ever becomes text (textContent, attribute values), never markup.
"use strict";

(() => {
  const API = "/dashboard/api";
  const TOKEN_KEY = "qhub-dashboard-token";
  const PAGE_SIZE = 50;
  const POLL_MS = 2000;
  const VIEWS = ["services", "executions", "jobs", "sessions", "datapools"];

  const state = {
    token: sessionStorage.getItem(TOKEN_KEY),
    view: "executions",
    selected: null, // {kind: "executions" | "jobs", id}
    shown: {executions: PAGE_SIZE, jobs: PAGE_SIZE, sessions: PAGE_SIZE},
    rendered: {list: "", detail: ""}, // the JSON last drawn, to skip redrawing the same
    detailFinal: false,
    timer: null,
    generation: 0,
    firstRender: true,
  };

  const $ = (id) => document.getElementById(id);

  // An element with attributes and children; strings become text nodes.
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of nodes(children)) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // Nested lists of nodes, flattened, without the gaps left by optional parts.
  const nodes = (...parts) =>
    parts.flat(Infinity).filter((part) => part !== null && part !== undefined && part !== false);

  // -- formatting ----------------------------------------------------------------------------

  const dateTime = new Intl.DateTimeFormat(undefined, {dateStyle: "short", timeStyle: "medium"});

  function when(iso) {
    if (!iso) return el("span", {class: "muted", text: "—"});
    return el("time", {datetime: iso, title: iso}, dateTime.format(new Date(iso)));
  }

  function duration(ms) {
    if (ms === null || ms === undefined) return "—";
    if (ms < 1000) return `${ms} ms`;
    const seconds = ms / 1000;
    if (seconds < 60) return `${seconds.toFixed(1)} s`;
    const minutes = Math.floor(seconds / 60);
    return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
  }

  const number = (value) => Number(value).toLocaleString();

  function bytes(size) {
    if (size < 1024) return `${size} B`;
    const units = ["KiB", "MiB", "GiB"];
    let value = size / 1024;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    return `${value.toFixed(1)} ${units[unit]}`;
  }

  function status(value) {
    return el("span", {class: `status status-${String(value).toLowerCase()}`, text: value});
  }

  function tags(values) {
    if (!values || values.length === 0) return el("span", {class: "muted", text: "—"});
    return el("ul", {class: "tags"}, values.map((tag) => el("li", {class: "tag", text: tag})));
  }

  function facts(rows) {
    return el("dl", {class: "facts"}, rows.map(([term, value]) => [
      el("dt", {text: term}),
      el("dd", {}, value === null || value === undefined ? el("span", {class: "muted", text: "—"}) : value),
    ]));
  }

  function link(text, hash) {
    return el("a", {href: hash, class: "mono"}, text);
  }

  // -- talking to the Hub ---------------------------------------------------------------------

  class SignedOut extends Error {}

  async function api(path, options = {}) {
    const response = await fetch(API + path, {
      ...options,
      headers: {"X-Auth-Token": state.token || "", Accept: "application/json"},
      credentials: "omit",
      cache: "no-store",
    });
    if (response.status === 401) throw new SignedOut(await errorMessage(response));
    if (!response.ok) throw new Error(await errorMessage(response));
    return response;
  }

  async function errorMessage(response) {
    try {
      const body = await response.json();
      return body.message || `${response.status} ${response.statusText}`;
    } catch {
      return `${response.status} ${response.statusText}`;
    }
  }

  const getJson = async (path) => (await api(path)).json();

  function setConnection(text, ok) {
    const node = $("connection");
    node.textContent = text;
    node.classList.toggle("offline", !ok);
  }

  // -- signing in -----------------------------------------------------------------------------

  function showSignIn(message) {
    stopPolling();
    state.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    $("board").hidden = true;
    $("sign-out").hidden = true;
    $("who").textContent = "";
    $("sign-in").hidden = false;
    $("sign-in-error").textContent = message || "";
    $("token").focus();
  }

  function signIn(token) {
    state.token = token;
    sessionStorage.setItem(TOKEN_KEY, token);
    $("sign-in").hidden = true;
    $("board").hidden = false;
    $("sign-out").hidden = false;
    refresh();
  }

  // -- routing (the address's #fragment: #executions, #executions/<id>, #jobs/<id>, ...) ------

  function readRoute() {
    const [view, id] = location.hash.replace(/^#/, "").split("/", 2);
    state.view = VIEWS.includes(view) ? view : "executions";
    const detailed = (state.view === "executions" || state.view === "jobs") && id;
    const selected = detailed ? {kind: state.view, id: decodeURIComponent(id)} : null;
    if (JSON.stringify(selected) !== JSON.stringify(state.selected)) {
      state.selected = selected;
      state.rendered.detail = "";
      state.detailFinal = false;
    }
    for (const tab of document.querySelectorAll("[role=tab]")) {
      tab.setAttribute("aria-selected", String(tab.dataset.view === state.view));
    }
  }

  // -- lists ------------------------------------------------------------------------------

  function table(caption, headings, rows) {
    return el("table", {},
      el("caption", {text: caption}),
      el("thead", {}, el("tr", {}, headings.map((h) => el("th", {scope: "col", text: h})))),
      el("tbody", {}, rows));
  }

  function selectableRow(kind, id, cells) {
    const selected = state.selected && state.selected.kind === kind && state.selected.id === id;
    return el("tr", {
      class: selected ? "selected" : null,
      "data-id": id,
      tabindex: 0,
      onclick: () => { location.hash = `#${kind}/${encodeURIComponent(id)}`; },
      onkeydown: (event) => {
        if (event.key === "Enter") location.hash = `#${kind}/${encodeURIComponent(id)}`;
      },
    }, cells.map((cell) => el("td", {}, cell)));
  }

  function more(kind, page) {
    if (page.items.length >= page.totalElements) return null;
    return el("p", {class: "more", "data-shown": page.items.length, "data-total": page.totalElements},
      `Showing the newest ${number(page.items.length)} of ${number(page.totalElements)}. `,
      el("button", {type: "button", class: "quiet", onclick: () => {
        state.shown[kind] = Math.min(state.shown[kind] + PAGE_SIZE, 1000);
        refresh();
      }}, "Show more"));
  }

  // Each list: how to load its data, and how to draw it.
  const LISTS = {
    services: {
      load: () => getJson("/services"),
      draw: ({items}) => [
        table("Services", ["Name", "Id", "Version", "Gateway URL", "Registered"],
          items.map((s) => el("tr", {"data-id": s.id}, [
            el("td", {text: s.name}), el("td", {class: "mono", text: s.id}),
            el("td", {text: s.version}), el("td", {class: "mono", text: s.url}),
            el("td", {}, when(s.registeredAt)),
          ]))),
        items.length ? null : el("p", {class: "muted", text: "No services are registered."}),
      ],
    },

    executions: {
      load: () => getJson(`/executions?page=0&size=${state.shown.executions}`),
      draw: (page) => [
        table("Executions, newest first",
          ["Status", "Execution", "Service", "Tags", "Created", "Duration"],
          page.items.map((e) => selectableRow("executions", e.id, [
            status(e.status), el("span", {class: "mono id", text: e.id}), e.service,
            tags(e.tags), when(e.createdAt), duration(e.durationMs),
          ]))),
        page.totalElements ? more("executions", page)
          : el("p", {class: "muted", text: "No executions yet: run a service to see it here."}),
      ],
    },

    jobs: {
      load: () => getJson(`/jobs?page=0&size=${state.shown.jobs}`),
      draw: (page) => [
        table("Quantum jobs, newest first",
          ["Status", "Job", "Name", "Backend", "Shots", "Created", "Duration"],
          page.items.map((j) => selectableRow("jobs", j.id, [
            status(j.status), el("span", {class: "mono id", text: j.id}), j.name || "—",
            j.backendId, String(j.shots), when(j.createdAt), duration(j.durationMs),
          ]))),
        page.totalElements ? more("jobs", page)
          : el("p", {class: "muted", text: "No quantum jobs yet."}),
      ],
    },

    sessions: {
      load: () => getJson(`/sessions?page=0&size=${state.shown.sessions}`),
      draw: (page) => [
        table("Sessions, newest first",
          ["Status", "Session", "Backend", "Mode", "Jobs", "Tags", "Created", "Expires", "Closed"],
          page.items.map((s) => el("tr", {"data-id": s.id}, [
            status(s.status), el("span", {class: "mono id", text: s.id}), s.backendId, s.mode,
            String(s.jobCount), tags(s.tags), when(s.createdAt), when(s.expiresAt),
            when(s.closedAt),
          ].map((cell) => el("td", {}, cell))))),
        page.totalElements ? more("sessions", page)
          : el("p", {class: "muted", text: "No sessions yet."}),
      ],
    },

    datapools: {
      load: () => getJson("/datapools"),
      draw: ({items}) => (items.length === 0
        ? [el("p", {class: "muted", text: "No data pools."})]
        : items.map((pool) => el("article", {class: "pool", "data-id": pool.id},
          el("h2", {text: pool.name}),
          facts([["Id", el("span", {class: "mono", text: pool.id})],
            ["Created", when(pool.createdAt)], ["Files", String(pool.fileCount)]]),
          pool.files.length
            ? table(`Files of ${pool.name}`, ["File", "Size", "Modified"], pool.files.map((f) =>
              el("tr", {}, el("td", {class: "mono", text: f.name}),
                el("td", {text: bytes(f.size)}), el("td", {}, when(f.modifiedAt)))))
            : el("p", {class: "muted", text: "No files."}),
          pool.fileCount > pool.files.length
            ? el("p", {class: "muted", text: `and ${pool.fileCount - pool.files.length} more files`})
            : null))),
    },
  };

  // -- details ----------------------------------------------------------------------------

  async function download(executionId, name) {
    try {
      const response = await api(
        `/executions/${encodeURIComponent(executionId)}/files/${encodeURIComponent(name)}`);
      const url = URL.createObjectURL(await response.blob());
      const anchor = el("a", {href: url, download: name, hidden: true});
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (error) {
      handleError(error);
    }
  }

  async function cancel(executionId, button) {
    button.disabled = true;
    try {
      await api(`/executions/${encodeURIComponent(executionId)}/cancel`, {method: "POST"});
      $("notice").textContent = "";
    } catch (error) {
      handleError(error);
    }
    state.rendered.detail = "";
    refresh();
  }

  function executionDetail(e) {
    return [
      el("header", {class: "detail-head"},
        el("h2", {}, "Execution ", el("span", {class: "mono", text: e.id})), status(e.status),
        e.final ? null : el("button", {type: "button", class: "danger",
          onclick: (event) => cancel(e.id, event.currentTarget)}, "Cancel")),
      facts([
        ["Service", `${e.service} ${e.version}`], ["Application", el("span", {class: "mono", text: e.applicationId})],
        ["Tags", tags(e.tags)], ["Created", when(e.createdAt)], ["Started", when(e.startedAt)],
        ["Ended", when(e.endedAt)], ["Duration", duration(e.durationMs)],
      ]),
      el("h3", {text: "Result"}),
      e.output ? el("pre", {class: "output", text: e.output})
        : el("p", {class: "muted", text: e.final ? "No JSON output." : "Not finished yet."}),
      el("h3", {text: "Result files"}),
      e.files.length
        ? el("ul", {class: "files"}, e.files.map((f) => el("li", {},
          el("button", {type: "button", class: "quiet", onclick: () => download(e.id, f.name)},
            "Download"), " ", el("span", {class: "mono", text: f.name}), ` (${bytes(f.size)})`)))
        : el("p", {class: "muted", text: "None."}),
      el("h3", {text: "Quantum jobs"}),
      e.jobs.length
        ? el("ul", {class: "jobs"}, e.jobs.map((j) => el("li", {}, status(j.status), " ",
          link(j.id, `#jobs/${encodeURIComponent(j.id)}`), j.name ? ` ${j.name}` : "")))
        : el("p", {class: "muted", text: "None."}),
      el("h3", {text: "Log"}),
      e.logsTotal > e.logs.length
        ? el("p", {class: "muted", text: `The last ${e.logs.length} of ${e.logsTotal} lines.`}) : null,
      e.logs.length
        ? el("ol", {class: "log"}, e.logs.map((line) => el("li", {class: `severity-${String(line.severity).toLowerCase()}`},
          el("time", {datetime: line.timestamp, text: new Date(line.timestamp).toLocaleTimeString()}),
          el("span", {class: "severity", text: line.severity}),
          el("span", {class: "message", text: line.message}))))
        : el("p", {class: "muted", text: "No log lines."}),
    ];
  }

  function histogram(job) {
    if (job.error) return el("p", {class: "error", text: `Failed: ${job.error}`});
    if (job.histogram.length === 0) {
      return el("p", {class: "muted", text: job.final ? "No counts." : "Not finished yet."});
    }
    const total = job.histogram.reduce((sum, bar) => sum + bar.count, 0);
    const highest = Math.max(...job.histogram.map((bar) => bar.count));
    const chart = el("figure", {class: "histogram"},
      el("figcaption", {text: `Counts of ${job.shots} shots`}),
      el("ol", {class: "bars"}, job.histogram.map((bar) => {
        const fill = el("span", {class: "fill"});
        fill.style.width = `${(100 * bar.count) / highest}%`;
        const share = ((100 * bar.count) / total).toFixed(1);
        return el("li", {class: "bar", "data-outcome": bar.outcome, "data-count": bar.count,
          title: `${bar.outcome}: ${bar.count} (${share} %)`},
        el("span", {class: "outcome mono", text: bar.outcome}),
        el("span", {class: "track"}, fill),
        el("span", {class: "value", text: String(bar.count)}));
      })));
    const hidden = job.outcomes - job.histogram.length;
    return [chart, hidden > 0
      ? el("p", {class: "muted", text: `${hidden} rarer outcomes are not shown.`}) : null];
  }

  function jobDetail(j) {
    return [
      el("header", {class: "detail-head"},
        el("h2", {}, "Quantum job ", el("span", {class: "mono", text: j.id})), status(j.status)),
      facts([
        ["Name", j.name], ["Backend", `${j.backendId}${j.provider ? ` (${j.provider})` : ""}`],
        ["Shots", String(j.shots)], ["Tags", tags(j.tags)],
        ["Session", j.sessionId ? el("span", {class: "mono", text: j.sessionId}) : null],
        ["Execution", j.serviceExecutionId
          ? link(j.serviceExecutionId, `#executions/${encodeURIComponent(j.serviceExecutionId)}`) : null],
        ["Created", when(j.createdAt)], ["Started", when(j.startedAt)], ["Ended", when(j.endedAt)],
        ["Duration", duration(j.durationMs)],
      ]),
      el("h3", {text: "Counts"}),
      histogram(j),
      el("h3", {text: `Input (${j.inputFormat})`}),
      el("pre", {class: "input", text: j.input}),
      j.inputChars > j.input.length
        ? el("p", {class: "muted", text: `The first ${j.input.length} of ${j.inputChars} characters.`}) : null,
    ];
  }

  // -- refreshing -------------------------------------------------------------------------

  function setCounts(counts) {
    for (const node of document.querySelectorAll(".tabs [data-count-of]")) {
      const value = counts[node.dataset.countOf];
      const active = node.dataset.countOf === "executions" && counts.activeExecutions;
      node.textContent = active ? `${number(value)} · ${number(active)} active` : number(value);
    }
  }

  async function refreshDetail(generation) {
    const detail = $("detail");
    if (!state.selected) {
      detail.hidden = true;
      detail.replaceChildren();
      return;
    }
    if (state.detailFinal && state.rendered.detail) return; // a finished one no longer changes
    const {kind, id} = state.selected;
    let data;
    try {
      data = await getJson(`/${kind}/${encodeURIComponent(id)}`);
    } catch (error) {
      if (error instanceof SignedOut) throw error;
      detail.hidden = false;
      detail.replaceChildren(el("p", {class: "error", text: error.message}));
      state.rendered.detail = "";
      return;
    }
    const text = JSON.stringify(data);
    if (generation !== state.generation) return;
    state.detailFinal = data.final;
    if (text === state.rendered.detail) return;
    state.rendered.detail = text;
    detail.hidden = false;
    detail.replaceChildren(...nodes(kind === "executions" ? executionDetail(data) : jobDetail(data)));
  }

  async function refreshList(generation) {
    const list = LISTS[state.view];
    const data = await list.load();
    const key = JSON.stringify([state.view, state.selected, data]);
    if (generation !== state.generation || key === state.rendered.list) return;
    state.rendered.list = key; // unchanged data keeps its DOM (and the keyboard focus)
    $("list").replaceChildren(...nodes(list.draw(data)));
  }

  async function refresh() {
    clearTimeout(state.timer);
    if (!state.token) return;
    readRoute();
    const generation = ++state.generation; // a newer refresh makes this one's answers stale
    try {
      const [overview] = await Promise.all([
        getJson("/overview"), refreshList(generation), refreshDetail(generation),
      ]);
      $("who").textContent = `${overview.username} · organization ${overview.organizationId}`;
      setCounts(overview.counts);
      setConnection("live", true);
      if (state.firstRender) {
        state.firstRender = false;
        // The second frame callback runs once the frame showing the data has been drawn.
        requestAnimationFrame(() => requestAnimationFrame(() => {
          performance.mark("qhub-dashboard-painted");
          document.body.dataset.ready = "true";
        }));
      }
    } catch (error) {
      if (!handleError(error)) return;
    }
    schedule();
  }

  // Whether to keep polling after an error.
  function handleError(error) {
    if (error instanceof SignedOut) {
      showSignIn(`The Hub refused the token: ${error.message}`);
      return false;
    }
    if (error instanceof TypeError) setConnection("Hub unreachable: retrying", false);
    else $("notice").textContent = error.message;
    return true;
  }

  function schedule() {
    clearTimeout(state.timer);
    if (!document.hidden && state.token) state.timer = setTimeout(refresh, POLL_MS);
  }

  function stopPolling() {
    clearTimeout(state.timer);
    state.timer = null;
  }

  // -- start ------------------------------------------------------------------------------

  function start() {
    // #token=<token> signs in at once; the token leaves the address bar (and history entry).
    const match = location.hash.match(/^#token=([^&]+)/);
    if (match) {
      state.token = decodeURIComponent(match[1]);
      sessionStorage.setItem(TOKEN_KEY, state.token);
      history.replaceState(null, "", location.pathname + location.search + "#executions");
    }
    $("sign-in-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const token = $("token").value.trim();
      $("token").value = "";
      if (token) signIn(token);
    });
    $("sign-out").addEventListener("click", () => showSignIn("Signed out."));
    for (const tab of document.querySelectorAll("[role=tab]")) {
      tab.addEventListener("click", () => { location.hash = `#${tab.dataset.view}`; });
    }
    window.addEventListener("hashchange", () => {
      $("notice").textContent = "";
      refresh();
    });
    document.addEventListener("visibilitychange", () => {
      if (document.hidden) stopPolling();
      else refresh();
    });
    if (state.token) signIn(state.token);
    else showSignIn("");
  }

  start();
})();
