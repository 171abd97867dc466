// The local Hub's API reference: renders the Hub's own OpenAPI documents (spec/, served at
// each API's /openapi.json) with no library and nothing fetched from elsewhere. Every text
// from a document is set with textContent, never parsed as markup.
"use strict";

const APIS = [
  { key: "quantum", title: "Quantum", document: "/quantum/openapi.json", client: "HubQuantumClient" },
  { key: "platform", title: "Platform", document: "/qc-catalog/openapi.json", client: "HubPlatformClient" },
  { key: "service", title: "Service gateway", document: "/gateway/openapi.json", client: "HubServiceClient" },
  { key: "user", title: "User", document: "/user-service/openapi.json", client: "HubUserClient" },
];
const METHODS = ["get", "put", "post", "patch", "delete", "head", "options"];
const documents = new Map();

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (name === "className") node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

function route() {
  const params = new URLSearchParams(location.hash.slice(1));
  return {
    api: APIS.some((a) => a.key === params.get("api")) ? params.get("api") : "quantum",
    op: params.get("op"),
    schema: params.get("schema"),
  };
}

function go(parts) {
  const params = new URLSearchParams({ api: parts.api });
  if (parts.op) params.set("op", parts.op);
  if (parts.schema) params.set("schema", parts.schema);
  location.hash = params.toString();
}

async function load(api) {
  if (!documents.has(api.key)) {
    const answer = await fetch(api.document, { headers: { Accept: "application/json" } });
    if (!answer.ok) throw new Error(`${api.document} answered ${answer.status}`);
    documents.set(api.key, await answer.json());
  }
  return documents.get(api.key);
}

function operations(doc) {
  const found = [];
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) found.push({ path, method, op, id: op.operationId || `${method} ${path}` });
    }
  }
  return found;
}

function refName(ref) {
  return typeof ref === "string" ? ref.split("/").pop() : "";
}

function resolve(doc, node) {
  let seen = 0;
  while (node && node.$ref && seen++ < 16) {
    const parts = node.$ref.replace(/^#\//, "").split("/");
    node = parts.reduce((at, part) => (at ? at[part] : undefined), doc);
  }
  return node || {};
}

// A schema as a short type, with links to named schemas.
function typeOf(api, node) {
  const span = el("span", { className: "ref-type" });
  if (!node || typeof node !== "object") {
    span.textContent = "any";
    return span;
  }
  if (node.$ref) {
    const name = refName(node.$ref);
    span.append(el("a", { href: `#api=${api}&schema=${encodeURIComponent(name)}`, text: name }));
    return span;
  }
  const choices = node.anyOf || node.oneOf;
  if (choices) {
    const shown = choices.filter((c) => c.type !== "null");
    shown.forEach((choice, index) => {
      if (index) span.append(" | ");
      span.append(typeOf(api, choice));
    });
    if (shown.length < choices.length) span.append(" | null");
    return span;
  }
  if (node.type === "array") {
    span.append("list[", typeOf(api, node.items), "]");
    return span;
  }
  if (node.enum) {
    span.textContent = node.enum.map((v) => JSON.stringify(v)).join(" | ");
    return span;
  }
  let text = Array.isArray(node.type) ? node.type.join(" | ") : node.type || "object";
  if (node.format) text += ` (${node.format})`;
  span.textContent = text;
  return span;
}

function table(headings, rows) {
  if (!rows.length) return null;
  const head = el("tr", {}, ...headings.map((h) => el("th", { text: h })));
  return el("table", { className: "ref-table" }, el("thead", {}, head), el("tbody", {}, ...rows));
}

function renderIndex(api, doc, filter) {
  const list = document.getElementById("ref-list");
  list.replaceChildren();
  const needle = filter.trim().toLowerCase();
  const matches = (text) => !needle || text.toLowerCase().includes(needle);
  const byTag = new Map();
  for (const entry of operations(doc)) {
    const words = `${entry.method} ${entry.path} ${entry.id} ${entry.op.summary || ""}`;
    if (!matches(words)) continue;
    const tag = (entry.op.tags && entry.op.tags[0]) || "other";
    if (!byTag.has(tag)) byTag.set(tag, []);
    byTag.get(tag).push(entry);
  }
  for (const [tag, entries] of byTag) {
    const items = entries.map((entry) =>
      el(
        "li",
        {},
        el(
          "a",
          { href: `#api=${api}&op=${encodeURIComponent(entry.id)}`, "data-op": entry.id },
          el("span", { className: `ref-method ref-${entry.method}`, text: entry.method.toUpperCase() }),
          el("span", { className: "ref-name", text: entry.op["x-python-name"] || entry.id }),
        ),
      ),
    );
    list.append(el("details", { open: "" }, el("summary", { text: tag }), el("ul", {}, ...items)));
  }
  const schemas = Object.keys((doc.components && doc.components.schemas) || {}).filter(matches);
  if (needle && schemas.length) {
    const items = schemas.slice(0, 200).map((name) =>
      el("li", {}, el("a", { href: `#api=${api}&schema=${encodeURIComponent(name)}`, text: name })),
    );
    list.append(el("details", { open: "" }, el("summary", { text: "types" }), el("ul", {}, ...items)));
  }
  if (!list.childElementCount) list.append(el("p", { className: "muted", text: "Nothing matches." }));
}

function renderOperation(api, doc, entry) {
  const detail = document.getElementById("ref-detail");
  const { op } = entry;
  const meta = APIS.find((a) => a.key === api);
  const server = (doc.servers && doc.servers[0] && doc.servers[0].url) || "";
  const tag = (op.tags && op.tags[0]) || "";
  const python = op["x-python-name"]
    ? `${meta.client}(…).${tag && api !== "service" ? tag + "." : "service_api."}${op["x-python-name"]}(…)`
    : "";
  const parts = [
    el("h2", {}, el("span", { className: `ref-method ref-${entry.method}`, text: entry.method.toUpperCase() }), " ", el("code", { text: entry.path })),
    el("p", { className: "muted" }, el("code", { text: server + entry.path })),
    python ? el("p", {}, "Python: ", el("code", { text: python })) : null,
    op.summary ? el("p", { className: "ref-summary", text: op.summary }) : null,
    op.description ? el("p", { text: op.description }) : null,
  ];
  for (const [key, value] of Object.entries(op)) {
    if (key.startsWith("x-decision")) parts.push(el("p", { className: "ref-decision", text: `Decision: ${typeof value === "string" ? value : JSON.stringify(value)}` }));
  }
  const parameters = (op.parameters || []).map((p) => resolve(doc, p));
  const rows = parameters.map((p) =>
    el(
      "tr",
      {},
      el("td", {}, el("code", { text: p.name })),
      el("td", {}, el("code", { text: p["x-python-name"] || p.name })),
      el("td", { text: p.in }),
      el("td", { text: p.required ? "yes" : "" }),
      el("td", {}, typeOf(api, p.schema)),
    ),
  );
  const params = table(["wire name", "Python name", "in", "required", "type"], rows);
  if (params) parts.push(el("h3", { text: "Parameters" }), params);
  if (op.requestBody) {
    const body = resolve(doc, op.requestBody);
    parts.push(el("h3", { text: `Request body${body.required ? "" : " (optional)"}` }));
    for (const [type, content] of Object.entries(body.content || {})) {
      parts.push(el("p", {}, el("code", { text: type }), " ", typeOf(api, content.schema)));
    }
  }
  const responses = Object.entries(op.responses || {}).map(([status, response]) => {
    const resolved = resolve(doc, response);
    const shapes = Object.entries(resolved.content || {}).map(([type, content]) =>
      el("div", {}, el("code", { text: type }), " ", typeOf(api, content.schema)),
    );
    return el("tr", {}, el("td", { text: status }), el("td", { text: resolved.description || "" }), el("td", {}, ...shapes));
  });
  parts.push(el("h3", { text: "Responses" }), table(["status", "meaning", "body"], responses));
  detail.replaceChildren(...parts.filter(Boolean));
}

function renderSchema(api, doc, name) {
  const detail = document.getElementById("ref-detail");
  const schema = (doc.components && doc.components.schemas && doc.components.schemas[name]) || null;
  if (!schema) {
    detail.replaceChildren(el("p", { className: "error", text: `No type ${name} in this API.` }));
    return;
  }
  const parts = [el("h2", {}, el("code", { text: name }))];
  if (schema.description) parts.push(el("p", { text: schema.description }));
  if (schema.enum) parts.push(el("p", {}, "One of ", typeOf(api, schema), " (open: other values are kept)."));
  const required = new Set(schema.required || []);
  const rows = Object.entries(schema.properties || {}).map(([wire, property]) =>
    el(
      "tr",
      {},
      el("td", {}, el("code", { text: wire })),
      el("td", {}, el("code", { text: property["x-python-name"] || wire })),
      el("td", { text: required.has(wire) ? "yes" : "" }),
      el("td", {}, typeOf(api, property)),
      el("td", { text: property.description || "" }),
    ),
  );
  const fields = table(["wire name", "Python name", "required", "type", ""], rows);
  if (fields) parts.push(el("h3", { text: "Fields" }), fields);
  if (schema.anyOf || schema.oneOf) parts.push(el("p", {}, "Any of: ", typeOf(api, schema)));
  detail.replaceChildren(...parts);
}

function renderWelcome(api, doc) {
  const detail = document.getElementById("ref-detail");
  const info = doc.info || {};
  const count = operations(doc).length;
  detail.replaceChildren(
    el("h2", { text: info.title || api }),
    info.description ? el("p", { text: info.description }) : null,
    el("p", { className: "muted", text: `${count} operations. Pick one on the left, or search.` }),
  );
}

async function show() {
  const where = route();
  const api = APIS.find((a) => a.key === where.api);
  for (const tab of document.querySelectorAll("#apis button")) {
    tab.setAttribute("aria-selected", String(tab.dataset.api === api.key));
  }
  const error = document.getElementById("ref-error");
  error.textContent = "";
  let doc;
  try {
    doc = await load(api);
  } catch (problem) {
    error.textContent = `Could not load the ${api.title} API's document: ${problem.message}`;
    return;
  }
  renderIndex(api.key, doc, document.getElementById("ref-search").value);
  const entry = where.op && operations(doc).find((e) => e.id === where.op);
  if (entry) renderOperation(api.key, doc, entry);
  else if (where.schema) renderSchema(api.key, doc, where.schema);
  else renderWelcome(api.key, doc);
  for (const link of document.querySelectorAll("#ref-list a")) {
    link.classList.toggle("current", Boolean(where.op) && link.dataset.op === where.op);
  }
}

function start() {
  const tabs = document.getElementById("apis");
  for (const api of APIS) {
    const tab = el("button", { type: "button", role: "tab", "data-api": api.key, text: api.title });
    tab.addEventListener("click", () => go({ api: api.key }));
    tabs.append(tab);
  }
  document.getElementById("ref-search").addEventListener("input", () => show());
  window.addEventListener("hashchange", show);
  show();
}

start();
