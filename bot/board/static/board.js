"use strict";
// The board, a Telegram Mini App. Telegram hands the page its launch parameters in the URL
// fragment (tgWebAppData: the signed initData; tgWebAppThemeParams: the colours), or through
// window.Telegram.WebApp when its script is loaded. Every request sends the signed initData;
// the server checks it, decides what this person may see and sends the words already
// translated, so nothing here is trusted and nothing here is user-facing text.

const state = {
  initData: "",
  texts: {},
  data: null,
  tab: "units",
  showAllBars: false,
  unitId: null,
  unitPage: 0,
  place: null, // a jurisdiction below the office, opened from its row (kept while paging)
};

const $ = (id) => document.getElementById(id);

function launchParams() {
  const hash = new URLSearchParams(location.hash.slice(1));
  const webApp = window.Telegram && window.Telegram.WebApp;
  let theme = webApp && webApp.themeParams ? webApp.themeParams : null;
  if (!theme && hash.get("tgWebAppThemeParams")) {
    try { theme = JSON.parse(hash.get("tgWebAppThemeParams")); } catch (_) { theme = null; }
  }
  return {
    initData: (webApp && webApp.initData) || hash.get("tgWebAppData") || "",
    theme,
  };
}

// Telegram's clients take events from a Mini App through a native proxy (apps) or
// postMessage to the parent frame (web clients).
function postEvent(eventType, eventData) {
  const payload = eventData === undefined ? "" : JSON.stringify(eventData);
  try {
    if (window.TelegramWebviewProxy) {
      window.TelegramWebviewProxy.postEvent(eventType, payload);
    } else if (window.parent !== window) {
      window.parent.postMessage(JSON.stringify({ eventType, eventData }), "*");
    }
  } catch (_) { /* not inside Telegram: nothing to tell */ }
}

function applyTheme(theme) {
  if (!theme) return;
  for (const [key, value] of Object.entries(theme)) {
    if (typeof value === "string" && /^#[0-9a-fA-F]{3,8}$/.test(value)) {
      document.documentElement.style.setProperty(`--tg-theme-${key.replace(/_/g, "-")}`, value);
    }
  }
}

window.addEventListener("message", (event) => {
  try {
    const message = typeof event.data === "string" ? JSON.parse(event.data) : event.data;
    if (message && message.eventType === "theme_changed" && message.eventData) {
      applyTheme(message.eventData.theme_params);
    }
  } catch (_) { /* not a Telegram event */ }
});

function say(key, values) {
  let text = state.texts[key] || "";
  for (const [name, value] of Object.entries(values || {})) {
    text = text.split(`{${name}}`).join(String(value));
  }
  return text;
}

async function api(path) {
  const response = await fetch(`api/${path}`, {
    headers: { Authorization: `tma ${state.initData}` },
    cache: "no-store",
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    const error = new Error(body.error || `HTTP ${response.status}`);
    error.status = response.status;
    error.reason = body.reason;
    throw error;
  }
  return response.json();
}

async function post(path, body) {
  const response = await fetch(`api/${path}`, {
    method: "POST",
    headers: { Authorization: `tma ${state.initData}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(data.message || data.error || `HTTP ${response.status}`);
    error.status = response.status;
    error.message = data.message || "";
    throw error;
  }
  return data;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function show(section) {
  for (const id of ["overview", "unit-view", "duty-view"]) $(id).hidden = id !== section;
  window.scrollTo(0, 0);
}

function message(text) {
  $("message").textContent = text;
}

// ---- overview ----------------------------------------------------------------------------
function fillSelect(select, options, keep, labelKey) {
  select.replaceChildren(el("option", null, `${say(labelKey)}: ${say("all")}`));
  select.title = say(labelKey);
  select.firstChild.value = "";
  for (const [value, label] of options) {
    const option = el("option", null, label);
    option.value = String(value);
    select.append(option);
  }
  select.value = keep || "";
}

function renderChrome() {
  const data = state.data;
  document.documentElement.lang = data.locale === "zh_CN" ? "zh-CN" : "en";
  document.title = say("title");
  $("title").textContent = say("title");
  $("as-of").textContent = say("as_of", { date: data.as_of_label });
  $("tab-units").textContent = say("tab_units");
  $("tab-chart").textContent = say("tab_chart");
  $("tab-office").textContent = say("tab_office");
  $("tab-office").hidden = !data.viewer.coordinator;
  $("search").placeholder = say("filter_search");
  fillSelect($("filter-plan"), data.plans.map((p) => [p.id, p.title]), $("filter-plan").value, "filter_plan");
  fillSelect($("filter-group"), data.groups.map((g) => [g.id, g.name]), $("filter-group").value, "filter_group");
  fillSelect($("filter-kind"), data.kinds.map((k) => [k.value, k.label]), $("filter-kind").value, "filter_kind");
  fillSelect($("filter-light"), data.lights.map((l) => [l.value, l.label]), $("filter-light").value, "filter_light");
  const sort = $("sort");
  const current = sort.value || "worst";
  sort.replaceChildren();
  sort.title = say("sort");
  for (const key of SORTS) {
    const option = el("option", null, `${say("sort")}: ${say(`sort_${key}`)}`);
    option.value = key;
    sort.append(option);
  }
  sort.value = current;
  const tally = $("tally");
  tally.replaceChildren();
  for (const light of data.lights) {
    const button = el("button");
    button.append(el("span", `dot ${light.value}`), ` ${light.count}`);
    button.type = "button";
    button.title = light.label;
    button.dataset.light = light.value;
    button.setAttribute("aria-pressed", String($("filter-light").value === light.value));
    button.addEventListener("click", () => {
      $("filter-light").value = $("filter-light").value === light.value ? "" : light.value;
      renderOverview();
    });
    tally.append(button);
  }
  $("unit-back").textContent = `‹ ${say("back")}`;
  $("duty-back").textContent = `‹ ${say("back")}`;
  $("place-bar").hidden = !data.opened;
  $("place-back").textContent = `‹ ${say("back")}`;
  $("place-name").textContent = data.opened ? data.opened.name : "";
}

function filteredUnits() {
  const plan = $("filter-plan").value;
  const group = $("filter-group").value;
  const kind = $("filter-kind").value;
  const light = $("filter-light").value;
  const text = $("search").value.trim().toLowerCase();
  const units = state.data.units.filter((u) =>
    (!plan || u.plans.includes(Number(plan))) &&
    (!group || u.groups.includes(Number(group))) &&
    (!kind || u.kind === kind) &&
    (!light || u.light === light) &&
    (!text || u.name.toLowerCase().includes(text)));
  const sort = $("sort").value || "worst";
  const byName = (a, b) => a.name.localeCompare(b.name, state.data.locale === "zh_CN" ? "zh" : "en");
  const byCount = (key) => (a, b) => b.counts[key] - a.counts[key] || a.rank - b.rank;
  const comparators = {
    worst: (a, b) => a.rank - b.rank,
    name: byName,
    next: (a, b) => (a.next_due || "9999").localeCompare(b.next_due || "9999") || a.rank - b.rank,
  };
  for (const [key] of COUNT_KEYS) comparators[key] = byCount(key);
  return units.sort(comparators[sort] || comparators.worst);
}

// [count, column heading, alarming when not zero]
const COUNT_KEYS = [
  ["done", "col_done", false],
  ["in_progress", "col_in_progress", false],
  ["blocked", "col_blocked", true],
  ["overdue", "col_overdue", true],
  ["due_soon", "col_due_soon", false],
];
const SORTS = ["worst", "name", "next", ...COUNT_KEYS.map(([key]) => key)];

function lightDot(light) {
  const dot = el("span", `dot ${light}`);
  dot.title = (state.data.lights.find((l) => l.value === light) || {}).label || "";
  return dot;
}

function countCells(counts) {
  return COUNT_KEYS.map(([key, , alarming]) => {
    const value = counts ? counts[key] : 0;
    const cell = el("span", `num ${value ? (alarming ? "alarm" : "") : "zero"}`, String(value));
    cell.dataset.count = key;
    return cell;
  });
}

function countsLine(counts) {
  const line = el("div", "counts");
  for (const [key, label, alarming] of COUNT_KEYS) {
    const value = counts ? counts[key] : 0;
    const span = el("span", value ? (alarming ? "alarm" : "") : "zero", `${say(label)} ${value}`);
    span.dataset.count = key;
    span.dataset.value = String(value);
    line.append(span);
  }
  return line;
}

function headerRow() {
  const header = el("li", "header");
  const sortBy = (key) => () => { $("sort").value = key; renderOverview(); };
  const name = el("span", "name", say("col_unit"));
  name.addEventListener("click", sortBy("name"));
  header.append(el("span"), name);
  for (const [key, label] of COUNT_KEYS) {
    const cell = el("span", "num", say(label));
    cell.addEventListener("click", sortBy(key));
    if ($("sort").value === key) cell.classList.add("sorted");
    header.append(cell);
  }
  return header;
}

function renderUnits(units) {
  const list = $("units");
  list.replaceChildren(headerRow());
  $("shown").textContent = say("shown", { shown: units.length, total: state.data.units.length });
  if (units.length === 0) {
    list.append(el("li", "hint", say("none_match")));
    return;
  }
  for (const unit of units) {
    const item = el("li", "row");
    if (unit.place) item.dataset.place = unit.place;
    else item.dataset.unitId = unit.id;
    item.dataset.light = unit.light;
    const name = el("span", "name");
    name.append(el("b", null, unit.name));
    if (unit.next_due) {
      const next = el("span", "next", `${say("col_next")} ${unit.next_due_label} · ${unit.next_duty}`);
      next.title = unit.next_duty;
      name.append(next);
    }
    item.append(lightDot(unit.light), name, ...countCells(unit.counts));
    item.addEventListener("click", guarded(() => openRow(unit)));
    list.append(item);
  }
}

function barOf(parts) {
  const total = Object.values(parts).reduce((a, b) => a + b, 0);
  const bar = el("div", "bar");
  for (const part of state.data.chart.parts) {
    const value = parts[part.key] || 0;
    if (!value) continue;
    const piece = el("span");
    piece.style.width = `${(100 * value) / total}%`;
    piece.style.background = part.colour;
    piece.title = `${part.label}: ${value}`;
    piece.dataset.part = part.key;
    bar.append(piece);
  }
  return [bar, total];
}

function renderChart(units) {
  const chart = state.data.chart;
  const legend = $("chart-legend");
  legend.replaceChildren();
  for (const part of chart.parts) {
    const item = el("span");
    const swatch = el("i");
    swatch.style.background = part.colour;
    item.append(swatch, part.label);
    legend.append(item);
  }
  const wanted = new Set(units.map((u) => u.key));
  const rows = chart.rows.filter((row) => wanted.has(row.key));
  const list = $("chart");
  list.replaceChildren();
  const limit = state.showAllBars ? rows.length : chart.limit;
  for (const row of rows.slice(0, limit)) {
    const item = el("li");
    if (row.id) item.dataset.unitId = row.id;
    const label = el("span", "label");
    label.append(el("span", `dot ${row.light}`), row.name);
    label.title = row.name;
    const [bar, total] = barOf(row.parts);
    item.append(label, bar, el("span", "figure", `${row.parts.year_done}/${total}`));
    const opens = units.find((u) => u.key === row.key);
    item.addEventListener("click", guarded(() => openRow(opens)));
    list.append(item);
  }
  const rest = rows.slice(limit);
  if (rest.length) {
    const sums = {};
    for (const part of chart.parts) sums[part.key] = rest.reduce((a, r) => a + (r.parts[part.key] || 0), 0);
    const item = el("li", "rest");
    const label = el("span", "label");
    const lights = {};
    for (const row of rest) lights[row.light] = (lights[row.light] || 0) + 1;
    label.append(rows.length === chart.rows.length && chart.rest_label
      ? chart.rest_label : `+${rest.length}`);
    const [bar, total] = barOf(sums);
    const figure = el("span", "figure", `${sums.year_done}/${total}`);
    item.append(label, bar, figure);
    const dots = el("div", "hint");
    dots.style.gridColumn = "1 / -1";
    for (const [light, count] of Object.entries(lights)) {
      dots.append(el("span", `dot ${light}`), `${count}  `);
    }
    item.append(dots);
    list.append(item);
  }
  const toggle = $("chart-toggle");
  toggle.hidden = rows.length <= chart.limit;
  toggle.textContent = state.showAllBars ? say("show_fewer") : say("show_all");
}

function renderOverview() {
  const units = filteredUnits();
  for (const button of $("tally").children) {
    button.setAttribute("aria-pressed", String($("filter-light").value === button.dataset.light));
  }
  renderUnits(units);
  renderChart(units);
  $("units-pane").hidden = state.tab !== "units";
  $("chart-pane").hidden = state.tab !== "chart";
  $("office-pane").hidden = state.tab !== "office";
  $("filters").hidden = state.tab === "office";
  for (const tab of ["units", "chart", "office"]) {
    $(`tab-${tab}`).setAttribute("aria-selected", String(state.tab === tab));
  }
}

function overviewPath() {
  return state.place ? `overview?place=${state.place}` : "overview";
}

// a unit's row opens the unit; a jurisdiction's row opens its own rows (back: the office's)
async function openRow(row) {
  if (!row.place) return openUnit(row.id, 0);
  state.place = row.place;
  return loadOverview();
}

async function loadOverview() {
  state.data = await api(overviewPath());
  state.texts = state.data.texts;
  renderChrome();
  renderOverview();
  message("");
  show("overview");
}

// ---- one unit, one duty ----------------------------------------------------------------
async function openUnit(unitId, page) {
  state.unitId = unitId;
  state.unitPage = page;
  const data = await api(`units/${unitId}?page=${page}`);
  $("unit-name").replaceChildren(lightDot(data.unit.light), data.unit.name);
  $("unit-name").dataset.light = data.unit.light;
  $("unit-counts").replaceChildren(countsLine(data.unit.counts));
  $("duties-title").textContent = `${say("duties")} (${data.total})`;
  const list = $("duties");
  list.replaceChildren();
  if (data.duties.length === 0) list.append(el("li", "hint", say("no_duties")));
  for (const duty of data.duties) {
    const item = el("li");
    item.dataset.assignmentId = duty.id;
    item.dataset.status = duty.status;
    const meta = el("div", "meta");
    meta.append(`${duty.status_label} · ${say("due")} `);
    meta.append(el("span", duty.overdue ? "overdue" : "", duty.checkin ? duty.period : duty.due_label));
    if (duty.overdue) meta.append(` (${say("overdue")})`);
    if (duty.count) meta.append(` · ${duty.count}`);
    item.append(meta, el("div", null, duty.text), el("div", "hint", `${duty.plan} · ${duty.number}`));
    if (duty.last) {
      const report = el("div", "report");
      const what = [duty.last.status, duty.last.note].filter(Boolean).join(" ");
      report.textContent = `${say("last_report")}: ${duty.last.at} ${duty.last.who} ${what} · ` +
        say("reports", { count: duty.last.reports, evidence: duty.last.evidence });
      item.append(report);
    }
    item.addEventListener("click", guarded(() => openDuty(duty.id)));
    list.append(item);
  }
  const pages = $("duties-pages");
  pages.replaceChildren();
  if (data.pages > 1) {
    if (data.page > 0) pages.append(pageButton("‹", data.page - 1));
    pages.append(say("more_pages", { page: data.page + 1, pages: data.pages }));
    if (data.page + 1 < data.pages) pages.append(pageButton("›", data.page + 1));
  }
  show("unit-view");
}

function pageButton(label, page) {
  const button = el("button", "link", label);
  button.type = "button";
  button.addEventListener("click", () => guarded(() => openUnit(state.unitId, page))());
  return button;
}

function fact(list, label, value) {
  if (!value || (Array.isArray(value) && value.length === 0)) return;
  list.append(el("dt", null, label), el("dd", null, Array.isArray(value) ? value.join("、") : value));
}

async function openDuty(assignmentId) {
  const duty = await api(`duties/${assignmentId}`);
  $("duty-source").textContent = `${duty.plan} · ${duty.number}${duty.section.length ? " · " + duty.section.join(" › ") : ""}`;
  $("duty-text").textContent = duty.text;
  const facts = $("duty-facts");
  facts.replaceChildren();
  fact(facts, say("col_unit"), duty.unit);
  fact(facts, say("status"), duty.status_label + (duty.count ? ` ${duty.count}` : ""));
  fact(facts, say("period"), duty.period);
  fact(facts, say("window"), duty.window_start);
  fact(facts, say("due"), duty.due_label);
  fact(facts, say("lead"), duty.lead);
  fact(facts, say("responsible"), duty.responsible);
  fact(facts, say("shared_with"), duty.others.map((o) => `${o.name} ${o.status}`));
  $("history-title").textContent = say("history");
  const history = $("history");
  history.replaceChildren();
  if (duty.history.length === 0) history.append(el("li", "hint", say("no_reports")));
  for (const line of duty.history) {
    const item = el("li", line.undone ? "undone" : "");
    item.append(el("div", "when", `${line.at} · ${line.who}`));
    const parts = [];
    if (line.is_undo) parts.push(say("undid"));
    if (line.status) parts.push(line.status);
    if (line.event_date) parts.push(`${say("event_on")} ${line.event_date}`);
    if (line.requested_due) parts.push(`${say("new_date")} ${line.requested_due}`);
    if (line.note) parts.push(`“${line.note}”`);
    item.append(el("div", null, parts.join(" ")));
    if (line.evidence) {
      const evidence = el("div");
      evidence.append(`📎 ${say("evidence")}: `);
      if (line.url) {
        const link = el("a", null, line.evidence);
        link.href = line.url;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        evidence.append(link);
      } else {
        evidence.append(line.file ? `${line.evidence} — ${say("file_in_chat")}` : line.evidence);
      }
      item.append(evidence);
    }
    if (line.undone) item.append(el("div", "hint", say("undone")));
    history.append(item);
  }
  show("duty-view");
}

// ---- office work (coordinators): groups and units to review ------------------------------
async function loadOffice() {
  state.office = await api("office");
  renderOffice();
}

async function officeChange(path, body) {
  try {
    state.office = await post(path, body);
    $("office-message").textContent = say("saved");
    renderOffice();
    const tab = state.tab;
    state.data = await api(overviewPath());
    renderChrome();
    state.tab = tab;
    renderOverview();
  } catch (error) {
    if (error.status === 401 || error.status === 403) throw error;
    $("office-message").textContent = error.message || say("failed");
  }
}

function unitPicker(exclude, first) {
  const select = el("select");
  const none = el("option", null, first);
  none.value = "";
  select.append(none);
  for (const unit of state.office.units) {
    if (exclude.has(unit.id)) continue;
    const option = el("option", null, unit.name);
    option.value = String(unit.id);
    select.append(option);
  }
  return select;
}

function renderOffice() {
  const office = state.office;
  $("groups-title").textContent = say("groups");
  $("new-group-name").placeholder = say("new_group_name");
  $("new-group-create").textContent = say("create");
  const groups = $("groups");
  groups.replaceChildren();
  for (const group of office.groups) {
    const item = el("li");
    item.dataset.groupId = group.id;
    item.append(el("div", "title", `${group.name} (${group.members.length})`));
    if (group.automatic) item.append(el("div", "hint", say("automatic")));
    const chips = el("div", "chips");
    if (group.members.length === 0) chips.append(el("span", "hint", say("no_members")));
    for (const member of group.members) {
      const chip = el("button", null, `${member.name} ✕`);
      chip.type = "button";
      chip.title = say("remove_hint");
      chip.dataset.unitId = member.id;
      chip.addEventListener("click", guarded(() => officeChange(`office/groups/${group.id}`, { remove: [member.id] })));
      chips.append(chip);
    }
    item.append(chips);
    const row = el("div", "row");
    const picker = unitPicker(new Set(group.members.map((m) => m.id)), say("add_unit"));
    const add = el("button", "action", say("add"));
    add.type = "button";
    add.addEventListener("click", guarded(async () => {
      if (picker.value) await officeChange(`office/groups/${group.id}`, { add: [Number(picker.value)] });
    }));
    row.append(picker, add);
    item.append(row);
    groups.append(item);
  }
  $("review-title").textContent = say("review");
  const review = $("review");
  review.replaceChildren();
  if (office.review.length === 0) review.append(el("li", "hint", say("nothing_to_review")));
  for (const unit of office.review) {
    const item = el("li");
    item.dataset.unitId = unit.id;
    item.append(el("div", "title", unit.name));
    const row = el("div", "row");
    const kinds = el("select");
    kinds.title = say("filter_kind");
    for (const kind of office.kinds) {
      const option = el("option", null, kind.label);
      option.value = kind.value;
      kinds.append(option);
    }
    kinds.value = unit.kind;
    kinds.addEventListener("change", guarded(() => officeChange(`office/units/${unit.id}`, { kind: kinds.value })));
    const target = unitPicker(new Set([unit.id]), say("merge_into"));
    const merge = el("button", "action", "🔀");
    merge.type = "button";
    merge.hidden = true;
    target.addEventListener("change", () => {
      const chosen = target.options[target.selectedIndex];
      merge.hidden = !target.value;
      merge.textContent = target.value ? say("merge_confirm", { name: chosen.textContent }) : "🔀";
    });
    merge.addEventListener("click", guarded(() => officeChange(`office/units/${unit.id}`, { merge_into: Number(target.value) })));
    row.append(kinds, target, merge);
    item.append(row);
    review.append(item);
  }
  $("unresolved").textContent = office.unresolved.length
    ? say("unresolved", { names: office.unresolved.join("、") }) : "";
}

// ---- wiring --------------------------------------------------------------------------------
function guarded(action) {
  return async (event) => {
    try {
      await action(event);
    } catch (error) {
      showError(error);
    }
  };
}

function showError(error) {
  show(null);
  if (error.status === 401) {
    message(say(error.reason === "stale" ? "expired" : "unauthorized"));
  } else if (error.status === 403) {
    message(say("forbidden"));
  } else {
    message(say("failed"));
  }
  document.body.dataset.error = String(error.status || "failed");
}

async function start() {
  const launch = launchParams();
  state.initData = launch.initData;
  applyTheme(launch.theme);
  postEvent("web_app_ready");
  postEvent("web_app_expand");
  // the words before sign-in: the language Telegram says the user has (only words depend
  // on it, so unverified is fine), else the browser's
  let language = navigator.language || "";
  try {
    const user = JSON.parse(new URLSearchParams(state.initData).get("user") || "{}");
    if (typeof user.language_code === "string") language = user.language_code;
  } catch (_) { /* no user in the launch data */ }
  const lang = language.toLowerCase().startsWith("zh") ? "zh_CN" : "en";
  try {
    state.texts = (await (await fetch(`api/texts?lang=${lang}`)).json()).texts;
  } catch (_) { state.texts = {}; }
  message(say("loading"));
  for (const id of ["filter-plan", "filter-group", "filter-kind", "filter-light", "sort"]) {
    $(id).addEventListener("change", renderOverview);
  }
  $("search").addEventListener("input", renderOverview);
  $("tab-units").addEventListener("click", () => { state.tab = "units"; renderOverview(); });
  $("tab-chart").addEventListener("click", () => { state.tab = "chart"; renderOverview(); });
  $("tab-office").addEventListener("click", guarded(async () => {
    state.tab = "office";
    renderOverview();
    await loadOffice();
  }));
  $("new-group").addEventListener("submit", guarded(async (event) => {
    event.preventDefault();
    const name = $("new-group-name").value.trim();
    if (name) await officeChange("office/groups", { name });
    $("new-group-name").value = "";
  }));
  $("chart-toggle").addEventListener("click", () => { state.showAllBars = !state.showAllBars; renderOverview(); });
  $("unit-back").addEventListener("click", () => show("overview"));
  $("place-back").addEventListener("click", guarded(() => { state.place = null; return loadOverview(); }));
  $("duty-back").addEventListener("click", guarded(() => openUnit(state.unitId, state.unitPage)));
  await guarded(loadOverview)();
  document.body.dataset.ready = "1";
}

start();
