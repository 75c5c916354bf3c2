// git voice web: the player with word highlighting, keyboard controls, uploads,
// recording (Web Audio to 16-bit WAV, transcribed live while it goes on) and
// saving notes. Everything the page
// shows from a transcript goes in through textContent, never as HTML.
"use strict";

const TOKEN = document.querySelector('meta[name="gitvoice-token"]').content;
const commitEl = document.getElementById("commit");
const SHA = commitEl ? commitEl.dataset.sha : null;

function api(method, url, body, headers) {
  return fetch(url, { method, body, headers: Object.assign({ "X-GitVoice-Token": TOKEN }, headers || {}) })
    .then(async (r) => {
      const data = await r.json().catch(() => ({ error: r.status + " " + r.statusText }));
      if (!r.ok) throw new Error(data.error || r.statusText);
      return data;
    });
}

// ---------------------------------------------------------------- listening
const player = document.getElementById("player");
const words = Array.from(document.querySelectorAll("#transcript .w"));
const starts = words.map((w) => parseFloat(w.dataset.s));
let current = -1;

function wordAt(t) {
  // the last word that starts at or before t (binary search over sorted starts)
  let lo = 0, hi = starts.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= t + 0.01) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
  }
  return found;
}

function highlight() {
  const i = wordAt(player.currentTime);
  if (i !== current) {
    if (current >= 0) words[current].classList.remove("now");
    if (i >= 0) words[i].classList.add("now");
    current = i;
    if (commitEl) commitEl.dataset.word = String(i);
  }
}

function tick() {
  highlight();
  if (!player.paused) requestAnimationFrame(tick);
}

if (player) {
  player.addEventListener("play", () => requestAnimationFrame(tick));
  player.addEventListener("seeked", highlight);
  player.addEventListener("timeupdate", highlight);
  words.forEach((w, i) => w.addEventListener("click", () => {
    player.currentTime = starts[i];
    player.play();
  }));
  document.addEventListener("keydown", (e) => {
    const tag = (e.target.tagName || "").toLowerCase();
    if (tag === "textarea" || tag === "input" || e.ctrlKey || e.metaKey || e.altKey) return;
    const k = e.key;
    if (k === " " || k === "k") { player.paused ? player.play() : player.pause(); }
    else if (k === "ArrowLeft" || k === "j") { player.currentTime = Math.max(0, player.currentTime - 5); }
    else if (k === "ArrowRight" || k === "l") { player.currentTime = Math.min(player.duration || 1e9, player.currentTime + 5); }
    else if (k === "Home") { player.currentTime = 0; }
    else return;
    e.preventDefault();
  });
}

// ---------------------------------------------------------------- editing
const saveEdit = document.getElementById("save-edit");
if (saveEdit) {
  saveEdit.addEventListener("click", () => {
    const status = document.getElementById("edit-status");
    status.textContent = "saving (timing the words)…";
    api("POST", `/api/commit/${SHA}/note`, JSON.stringify({ text: document.getElementById("edit-text").value }),
        { "Content-Type": "application/json" })
      .then(() => { status.textContent = "saved"; location.reload(); })
      .catch((err) => { status.textContent = "error: " + err.message; status.className = "status error"; });
  });
}

// ---------------------------------------------------------------- takes
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function takeCard(name) {
  const card = el("div", "take");
  card.appendChild(el("strong", "name", name));
  const bar = el("progress");
  bar.max = 100; bar.value = 0;
  const status = el("span", "status", " uploading…");
  card.append(" ", bar, status);
  document.getElementById("takes").appendChild(card);
  return { card, bar, status };
}

// POST a take to `url` (today's upload, or the end of a live take), show its
// transcript; `fallback`: what to do instead when the server refuses it.
function upload(blob, name, url, fallback) {
  const ui = takeCard(name);
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url || `/api/commit/${SHA}/take`);
    xhr.setRequestHeader("X-GitVoice-Token", TOKEN);
    xhr.setRequestHeader("X-Filename", name);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) ui.bar.value = (100 * e.loaded) / e.total; };
    xhr.upload.onload = () => { ui.bar.value = 100; ui.status.textContent = " transcribing…"; };
    xhr.onload = () => {
      let data = {};
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = { error: xhr.statusText }; }
      if (xhr.status !== 200 && fallback) { ui.card.remove(); fallback().then(resolve); return; }
      if (xhr.status !== 200) { ui.status.textContent = " error: " + (data.error || xhr.status); ui.status.className = "status error"; }
      else showTake(ui, data);
      resolve();
    };
    xhr.onerror = () => {
      if (fallback) { ui.card.remove(); fallback().then(resolve); return; }
      ui.status.textContent = " upload failed"; ui.status.className = "status error"; resolve();
    };
    xhr.send(blob);
  });
}

function showTake(ui, data) {
  ui.card.dataset.take = data.take;
  if (data.live) ui.card.dataset.live = "1";
  ui.status.textContent = ` transcribed (${data.duration} s${data.live ? ", live" : ""})`;
  const text = el("textarea", "take-text");
  text.rows = 4;
  text.value = data.text;
  const save = el("button", "save-take", "Save as this commit's note");
  const stage = el("button", "stage-take", "Stage for the next commit");
  const result = el("span", "status take-status");
  save.type = stage.type = "button";
  save.onclick = () => {
    result.textContent = " saving (timing the words)…";
    api("POST", `/api/commit/${SHA}/note`, JSON.stringify({ text: text.value, take: data.take }), { "Content-Type": "application/json" })
      .then(() => { result.textContent = " saved as the note"; location.reload(); })
      .catch((err) => { result.textContent = " error: " + err.message; });
  };
  stage.onclick = () => {
    api("POST", "/api/stage", JSON.stringify({ take: data.take }), { "Content-Type": "application/json" })
      .then((r) => { result.textContent = " staged as " + r.staged; })
      .catch((err) => { result.textContent = " error: " + err.message; });
  };
  ui.card.append(el("br"), text, save, " ", stage, result);
}

const files = document.getElementById("files");
if (files) {
  files.addEventListener("change", async () => {
    for (const f of Array.from(files.files)) await upload(f, f.name);  // one at a time: one model
    files.value = "";
  });
}

// ---------------------------------------------------------------- recording
// MediaRecorder gives WebM/Opus, which soundfile cannot read: take the samples
// from Web Audio and write a 16-bit PCM WAV here.
function wav(chunks, rate) {
  const n = chunks.reduce((a, c) => a + c.length, 0);
  const buf = new ArrayBuffer(44 + 2 * n);
  const v = new DataView(buf);
  const str = (o, s) => { for (let i = 0; i < s.length; i++) v.setUint8(o + i, s.charCodeAt(i)); };
  str(0, "RIFF"); v.setUint32(4, 36 + 2 * n, true); str(8, "WAVE"); str(12, "fmt ");
  v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
  v.setUint32(24, rate, true); v.setUint32(28, rate * 2, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true);
  str(36, "data"); v.setUint32(40, 2 * n, true);
  let o = 44;
  for (const c of chunks) for (let i = 0; i < c.length; i++, o += 2) {
    const s = Math.max(-1, Math.min(1, c[i]));
    v.setInt16(o, s < 0 ? s * 0x8000 : s * 0x7fff, true);
  }
  return new Blob([buf], { type: "audio/wav" });
}

// Live: while recording, the samples go to the server every half second (float32 at
// the AudioContext's rate); it cuts them at pauses and transcribes each slice as it
// comes, and answers the text so far. At the stop the WAV goes to the live take's end
// (kept as the take, as an upload is); if live fails anywhere, it is uploaded as before.
const PAGE_ID = "page-" + Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
const SEND_MS = 500;

function joined(parts) {
  const out = new Float32Array(parts.reduce((a, c) => a + c.length, 0));
  let o = 0;
  for (const c of parts) { out.set(c, o); o += c.length; }
  return out;
}

function sendChunk(r) {
  // One chunk in flight at a time, in order: the rest waits in r.pending.
  if (!r.live || r.sending) return r.sending || Promise.resolve();
  const body = joined(r.pending);
  r.pending = [];
  r.sending = api("POST", `/api/live/${PAGE_ID}/chunk`, body.buffer, { "Content-Type": "application/octet-stream" })
    .then((data) => { if (data.caption) { r.caption.textContent = data.caption; document.body.dataset.caption = "1"; } })
    .catch(() => { r.live = false; })  // the take goes on; it is uploaded whole at the end
    .finally(() => { r.sending = null; });
  return r.sending;
}

function startLive(r) {
  return api("POST", `/api/commit/${SHA}/live`, JSON.stringify({ session: PAGE_ID, rate: r.ctx.sampleRate }),
             { "Content-Type": "application/json" })
    .then(() => { r.live = true; r.timer = setInterval(() => sendChunk(r), SEND_MS); })
    .catch(() => { r.live = false; });
}

const recBtn = document.getElementById("record");
const stopBtn = document.getElementById("stop");
let rec = null;
if (recBtn) {
  recBtn.addEventListener("click", async () => {
    const status = document.getElementById("rec-status");
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
      const ctx = new AudioContext();
      const source = ctx.createMediaStreamSource(stream);
      const node = ctx.createScriptProcessor(4096, 1, 1);
      const chunks = [];
      const caption = document.getElementById("live-caption");
      caption.textContent = "";
      delete document.body.dataset.caption;
      rec = { stream, ctx, node, source, chunks, began: Date.now(), pending: [], live: false, sending: null, caption };
      const r = rec;
      node.onaudioprocess = (e) => {
        const block = new Float32Array(e.inputBuffer.getChannelData(0));
        chunks.push(block);
        r.pending.push(block);
      };
      source.connect(node);
      node.connect(ctx.destination);
      r.starting = startLive(r);
      recBtn.disabled = true; stopBtn.disabled = false;
      status.textContent = "recording…";
      document.body.dataset.recording = "1";
    } catch (err) {
      status.textContent = "cannot record: " + err.message;
    }
  });
  stopBtn.addEventListener("click", async () => {
    if (!rec) return;
    const r = rec; rec = null;
    r.node.disconnect(); r.source.disconnect();
    r.stream.getTracks().forEach((t) => t.stop());
    const blob = wav(r.chunks, r.ctx.sampleRate);
    r.ctx.close();
    recBtn.disabled = false; stopBtn.disabled = true;
    document.getElementById("rec-status").textContent = `recorded ${((Date.now() - r.began) / 1000).toFixed(1)} s`;
    delete document.body.dataset.recording;
    await r.starting;
    clearInterval(r.timer);
    await r.sending;
    await sendChunk(r);  // what came since the last chunk
    const plain = () => upload(blob, "recording.wav");
    if (r.live) upload(blob, "recording.wav", `/api/live/${PAGE_ID}/stop`, plain);
    else plain();
  });
}
