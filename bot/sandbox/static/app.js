"use strict";
// DutyBot Sandbox chat page. It plays the humans through the control API (/_sandbox/):
// pick or add a person, chat with the bot privately or in a group, press the bot's inline
// buttons, send files. Both sides of the open chat arrive through a long poll on /_sandbox/wait.

const REFRESH_MS = 3000;
const STORAGE_KEY = "dutybot-sandbox";

const view = {
  users: [],
  chats: [],
  bots: [],
  userId: null,
  chatId: null,
  after: 0,
  bubbles: new Map(), // message_id -> <li>
  generation: 0, // bumps on chat switch so a stale long poll is ignored
  abort: null, // AbortController of the running long poll
  replyTo: null, // message_id the next message replies to (a click, or the bot's ForceReply)
};

const $ = (id) => document.getElementById(id);

// ---- control API -------------------------------------------------------------------------
async function call(method, path, body) {
  const options = { method, headers: {} };
  if (body instanceof FormData) {
    options.body = body;
  } else if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(`/_sandbox/${path}`, options);
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

// ---- people, chats, bot status -----------------------------------------------------------
async function refreshAll() {
  [view.users, view.chats, view.bots] = await Promise.all([
    call("GET", "users"),
    call("GET", "chats"),
    call("GET", "bots"),
  ]);
  if (view.userId !== null && !view.users.some((u) => u.id === view.userId)) {
    closeChat(); // the person was forgotten by a reset
  }
  renderBotStatus();
  renderUsers();
  renderChats();
  renderMembers();
}

function displayName(user) {
  const name = [user.first_name, user.last_name].filter(Boolean).join(" ");
  return user.username ? `${name} @${user.username}` : name;
}

function renderBotStatus() {
  const status = $("bot-status");
  if (view.bots.length === 0) {
    status.textContent = "no bot connected yet: messages wait until one calls the Bot API";
    return;
  }
  status.textContent = view.bots
    .map((b) => `@${b.username} (${b.id}) · ${b.webhook_url ? "webhook" : "polling"} · ${b.pending_updates} pending`)
    .join("  |  ");
}

function renderUsers() {
  const list = $("user-list");
  list.replaceChildren();
  if (view.users.length === 0) {
    list.append(item("nobody yet: add a person below", null, "hint"));
  }
  for (const user of view.users) {
    const li = item(`${displayName(user)} · ${user.id}`, () => selectUser(user.id));
    li.dataset.userId = user.id;
    li.classList.toggle("selected", user.id === view.userId);
    list.append(li);
  }
}

function chatsOf(userId) {
  const groups = view.chats.filter(
    (c) => c.type !== "private" && c.members.some((m) => m.user_id === userId && !["left", "kicked"].includes(m.status)),
  );
  return [{ id: userId, title: "Private chat with the bot" }, ...groups];
}

function renderChats() {
  const list = $("chat-list");
  list.replaceChildren();
  if (view.userId === null) {
    list.append(item("pick a person first", null, "hint"));
    return;
  }
  for (const chat of chatsOf(view.userId)) {
    const label = chat.type ? `${chat.title} · ${chat.type} ${chat.id}` : chat.title;
    const li = item(label, () => openChat(chat.id));
    li.dataset.chatId = chat.id;
    li.classList.toggle("selected", chat.id === view.chatId);
    list.append(li);
  }
}

function renderMembers() {
  const box = $("group-members");
  const checked = new Set([...box.querySelectorAll("input:checked")].map((i) => Number(i.value)));
  box.querySelectorAll("label").forEach((label) => label.remove());
  for (const user of view.users) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "checkbox";
    input.value = user.id;
    input.checked = checked.has(user.id) || user.id === view.userId;
    label.append(input, ` ${displayName(user)}`);
    box.append(label);
  }
}

function item(text, onClick, className) {
  const li = document.createElement("li");
  li.textContent = text;
  if (className) li.className = className;
  if (onClick) li.addEventListener("click", onClick);
  return li;
}

function selectUser(userId) {
  view.userId = userId;
  localStorage.setItem(STORAGE_KEY, JSON.stringify({ userId }));
  renderUsers();
  renderMembers();
  openChat(userId);
}

function closeChat() {
  view.userId = null;
  view.chatId = null;
  view.generation += 1;
  if (view.abort) view.abort.abort();
  $("messages").replaceChildren();
  $("chat-title").textContent = "Pick or add a person to start chatting.";
  for (const id of ["text", "file", "send"]) $(id).disabled = true;
}

function openChat(chatId) {
  view.chatId = chatId;
  setReplyTo(null);
  view.after = 0;
  view.bubbles.clear();
  view.generation += 1;
  $("messages").replaceChildren();
  const chat = view.chats.find((c) => c.id === chatId);
  const user = view.users.find((u) => u.id === view.userId);
  $("chat-title").textContent = chat && chat.type !== "private"
    ? `${chat.title} (${chat.type}) as ${displayName(user)}`
    : `${displayName(user)} ↔ bot`;
  for (const id of ["text", "file", "send"]) $(id).disabled = false;
  renderChats();
  if (view.abort) view.abort.abort(); // the long poll restarts on the new chat
  refreshMenuButton().catch(() => {});
  $("text").focus();
}

// ---- history ---------------------------------------------------------------------------------
// One long poll at a time on /_sandbox/wait: it answers as soon as anything new happens in the
// open chat (either side), so replies show up at once without hammering the server.
async function followChat() {
  for (;;) {
    if (view.chatId === null) {
      await sleep(300);
      continue;
    }
    const generation = view.generation;
    view.abort = new AbortController();
    const query = `chat_id=${view.chatId}&after=${view.after}&include_user=1&timeout=20`;
    try {
      const response = await fetch(`/_sandbox/wait?${query}`, { signal: view.abort.signal });
      if (response.ok) {
        const entries = await response.json();
        if (generation === view.generation) entries.forEach(applyEntry);
      } else if (response.status !== 408) {
        await sleep(1000);
      }
    } catch (error) {
      if (error.name !== "AbortError") await sleep(1000); // server restarting: try again soon
    }
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function applyEntry(entry) {
  if (entry.seq <= view.after) return; // already shown
  view.after = entry.seq;
  switch (entry.kind) {
    case "message":
    case "user_message":
      addBubble(entry);
      if (entry.from_bot && entry.reply_markup && entry.reply_markup.force_reply && forMe(entry)) {
        setReplyTo(entry.message_id); // the Telegram app opens a reply to the question
      }
      break;
    case "edit":
    case "user_edit":
      updateBubble(entry);
      break;
    case "delete": {
      const li = view.bubbles.get(entry.message_id);
      if (li) li.classList.add("deleted");
      break;
    }
    case "callback_answer":
      if (entry.text) showToast(`${entry.text}`, entry.show_alert);
      break;
    default:
      break; // "press": the user's own click, nothing to draw
  }
}

// A selective ForceReply is for the people the message mentions (or, in a reply, the author
// of the message it replies to); in a group, the bot sees only replies to its own messages
// (privacy mode), so replying is how a question there is answered.
function forMe(entry) {
  if (!entry.reply_markup.selective) return true;
  const mentioned = (entry.entities || []).some((e) => e.type === "text_mention" && e.user && e.user.id === view.userId);
  const original = view.bubbles.get(entry.reply_to_message_id);
  return mentioned || Boolean(original && Number(original.dataset.userId) === view.userId);
}

function setReplyTo(messageId) {
  view.replyTo = messageId;
  const note = $("reply-note");
  const original = messageId === null ? null : view.bubbles.get(messageId);
  note.hidden = messageId === null;
  const quoted = original ? original.querySelector(".text")?.textContent || "(file)" : "";
  $("reply-text").textContent = messageId === null ? "" : `Replying to: ${quoted.slice(0, 80)}`;
}

function addBubble(entry) {
  const li = document.createElement("li");
  li.className = `msg ${entry.from_bot ? "bot" : "user"}`;
  li.dataset.messageId = entry.message_id;
  if (entry.user_id) li.dataset.userId = entry.user_id;
  li.title = "Double-click to reply";
  li.addEventListener("dblclick", () => setReplyTo(entry.message_id));
  view.bubbles.set(entry.message_id, li);
  fillBubble(li, entry);
  const list = $("messages");
  list.append(li);
  list.scrollTop = list.scrollHeight;
}

function updateBubble(entry) {
  const li = view.bubbles.get(entry.message_id);
  if (li) fillBubble(li, entry);
}

function fillBubble(li, entry) {
  li.replaceChildren();
  const inGroup = view.chatId < 0;
  if (inGroup) {
    const sender = document.createElement("div");
    sender.className = "sender";
    const user = view.users.find((u) => u.id === entry.user_id);
    sender.textContent = entry.from_bot ? "bot" : user ? displayName(user) : String(entry.user_id);
    li.append(sender);
  }
  if (entry.reply_to_message_id) {
    const original = view.bubbles.get(entry.reply_to_message_id);
    const quote = document.createElement("div");
    quote.className = "quote";
    quote.textContent = original ? original.querySelector(".text")?.textContent || "(file)" : "(earlier message)";
    li.append(quote);
  }
  const file = entry.document || entry.photo;
  if (entry.photo) {
    const img = document.createElement("img");
    img.src = `${file.download_url}?inline=1`;
    img.alt = "photo";
    li.append(img);
  } else if (entry.document) {
    const link = document.createElement("a");
    link.className = "file";
    link.href = file.download_url;
    link.textContent = `📄 ${file.file_name || "document"} (${file.file_size} bytes)`;
    li.append(link);
  }
  const text = document.createElement("div");
  text.className = "text";
  const shown = entry.plain_text ?? entry.text ?? entry.caption ?? "";
  text.append(renderEntities(shown, entry.entities || []));
  li.append(text);
  if (entry.reply_markup && entry.reply_markup.inline_keyboard) {
    li.append(renderKeyboard(entry.reply_markup.inline_keyboard, entry.message_id));
  }
  const meta = document.createElement("div");
  meta.className = "meta";
  const time = new Date(entry.date * 1000).toLocaleTimeString();
  meta.textContent = entry.edited ? `edited · ${time}` : time;
  li.append(meta);
}

// Entities use UTF-16 offsets, which is exactly how JavaScript strings index.
function renderEntities(text, entities) {
  const fragment = document.createDocumentFragment();
  if (entities.length === 0) {
    fragment.append(text);
    return fragment;
  }
  const cuts = new Set([0, text.length]);
  for (const e of entities) {
    cuts.add(e.offset);
    cuts.add(Math.min(text.length, e.offset + e.length));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const outerFirst = [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
  for (let i = 0; i + 1 < points.length; i += 1) {
    const from = points[i];
    const to = points[i + 1];
    let node = document.createTextNode(text.slice(from, to));
    const active = outerFirst.filter((e) => e.offset <= from && e.offset + e.length >= to);
    for (const entity of active.reverse()) node = wrapEntity(node, entity, text);
    fragment.append(node);
  }
  return fragment;
}

const ENTITY_TAGS = {
  bold: "b",
  italic: "i",
  underline: "u",
  strikethrough: "s",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
  expandable_blockquote: "blockquote",
};

function wrapEntity(node, entity, text) {
  const piece = text.slice(entity.offset, entity.offset + entity.length);
  let element;
  if (ENTITY_TAGS[entity.type]) {
    element = document.createElement(ENTITY_TAGS[entity.type]);
  } else if (entity.type === "text_link" || entity.type === "url") {
    element = document.createElement("a");
    const href = entity.type === "url" ? piece : entity.url;
    if (/^(https?:|tg:)/i.test(href)) element.href = href;
    element.target = "_blank";
    element.rel = "noopener noreferrer";
  } else if (entity.type === "bot_command") {
    element = document.createElement("span");
    element.className = "command";
    element.title = "click to send";
    element.addEventListener("click", () => sendText(piece));
  } else {
    element = document.createElement("span");
    element.className = entity.type; // spoiler, mention, hashtag...
  }
  element.append(node);
  return element;
}

function renderKeyboard(rows, messageId) {
  const keyboard = document.createElement("div");
  keyboard.className = "keyboard";
  for (const row of rows) {
    const line = document.createElement("div");
    line.className = "row";
    for (const button of row) {
      const element = document.createElement("button");
      element.type = "button";
      element.textContent = button.text;
      if (button.callback_data !== undefined) {
        element.dataset.callbackData = button.callback_data;
        element.addEventListener("click", () => press(messageId, button.callback_data));
      } else if (button.url) {
        element.addEventListener("click", () => window.open(button.url, "_blank", "noopener"));
      } else if (button.web_app) {
        element.dataset.webApp = button.web_app.url;
        element.addEventListener("click", guarded(() => openWebApp(button.web_app.url, button.text)));
      } else {
        element.disabled = true;
      }
      line.append(element);
    }
    keyboard.append(line);
  }
  return keyboard;
}

// ---- what the person does --------------------------------------------------------------------
async function sendText(text) {
  const body = { user_id: view.userId, chat_id: view.chatId, text };
  if (view.replyTo !== null) body.reply_to_message_id = view.replyTo;
  await call("POST", "send", body);
  setReplyTo(null);
}

async function sendFile(file, caption) {
  const form = new FormData();
  const isImage = /^image\/(png|jpeg|gif)$/.test(file.type);
  form.append("user_id", view.userId);
  form.append("chat_id", view.chatId);
  form.append("kind", isImage ? "photo" : "document");
  if (caption) form.append("caption", caption);
  if (view.replyTo !== null) form.append("reply_to_message_id", view.replyTo);
  form.append("file", file, file.name);
  await call("POST", "upload", form);
  setReplyTo(null);
}

async function press(messageId, data) {
  await call("POST", "press", { user_id: view.userId, chat_id: view.chatId, message_id: messageId, data });
}

// ---- Mini Apps: opened in a phone-sized frame with launch data the sandbox signs, as a
// Telegram client would; a private chat's menu button can open one too.
async function openWebApp(url, title) {
  const opened = await call("POST", "web_app", { user_id: view.userId, url, chat_id: view.chatId });
  $("webapp-title").textContent = title || "";
  $("webapp-frame").src = opened.url;
  $("webapp").hidden = false;
}

function closeWebApp() {
  $("webapp").hidden = true;
  $("webapp-frame").src = "about:blank";
}

async function refreshMenuButton() {
  const button = $("menu-button");
  button.hidden = true;
  if (view.chatId === null || view.chatId < 0 || view.bots.length === 0) return;
  const menu = await call("GET", `menu_button?chat_id=${view.chatId}`);
  if (menu.type === "web_app") {
    button.textContent = `☰ ${menu.text}`;
    button.dataset.webApp = menu.web_app.url;
    button.hidden = false;
  }
}

function showToast(text, alert) {
  const toast = $("toast");
  toast.textContent = text;
  toast.classList.toggle("alert", Boolean(alert));
  toast.hidden = false;
  clearTimeout(showToast.timer);
  showToast.timer = setTimeout(() => { toast.hidden = true; }, alert ? 6000 : 3000);
}

function guarded(action) {
  return async (event) => {
    if (event) event.preventDefault();
    try {
      await action(event);
    } catch (error) {
      showToast(error.message, true);
    }
  };
}

// ---- wiring ----------------------------------------------------------------------------------
function wire() {
  $("menu-button").addEventListener("click", guarded(() => openWebApp($("menu-button").dataset.webApp, $("menu-button").textContent)));
  $("webapp-close").addEventListener("click", closeWebApp);
  $("reply-cancel").addEventListener("click", () => setReplyTo(null));

  $("composer").addEventListener("submit", guarded(async () => {
    const input = $("text");
    const picker = $("file");
    const text = input.value.trim();
    const file = picker.files[0];
    if (file) {
      await sendFile(file, text);
      picker.value = "";
      $("file-note").hidden = true;
    } else if (text) {
      await sendText(text);
    }
    input.value = "";
    input.focus();
  }));

  $("file").addEventListener("change", () => {
    const file = $("file").files[0];
    const note = $("file-note");
    note.hidden = !file;
    note.textContent = file ? `Attached: ${file.name}; the text box becomes its caption. Press Send.` : "";
  });

  $("user-form").addEventListener("submit", guarded(async () => {
    const form = $("user-form");
    const body = { first_name: $("user-first-name").value.trim() };
    if ($("user-username").value.trim()) body.username = $("user-username").value.trim();
    if ($("user-language").value.trim()) body.language_code = $("user-language").value.trim();
    const user = await call("POST", "users", body);
    form.reset();
    await refreshAll();
    selectUser(user.id);
  }));

  $("group-form").addEventListener("submit", guarded(async () => {
    if (view.userId === null) throw new Error("pick a person first: they create the group");
    const members = [...$("group-members").querySelectorAll("input:checked")].map((i) => Number(i.value));
    const ordered = [view.userId, ...members.filter((id) => id !== view.userId)];
    const chat = await call("POST", "chats", {
      type: $("group-super").checked ? "supergroup" : "group",
      title: $("group-title").value.trim(),
      member_ids: ordered,
      announce: view.bots.length > 0,
    });
    $("group-form").reset();
    await refreshAll();
    openChat(chat.id);
  }));
}

async function start() {
  wire();
  await refreshAll();
  const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || "{}");
  if (saved.userId && view.users.some((u) => u.id === saved.userId)) selectUser(saved.userId);
  followChat();
  setInterval(() => refreshAll().then(refreshMenuButton).catch(() => {}), REFRESH_MS);
}

start().catch((error) => showToast(error.message, true));
