// The root page: log in, then a live table of tickets over socket.io.
// Snapshot on connect, deltas after; on every reconnect the table is rebuilt
// from REST (GET /api/v1/tickets). No build step, no framework.
'use strict';

const TABLE_ROWS = 200;
const STREAMS = ['OTHER', 'KITCHEN', 'RECYCLABLE', 'HAZARDOUS', 'FOOD_SERVICE', 'BULKY', 'CONSTRUCTION', 'RENOVATION'];
const HOUSEHOLD = ['OTHER', 'KITCHEN', 'RECYCLABLE', 'HAZARDOUS']; // 四分类: always shown, even at 0 t

const TEXT = {
  zh: {
    title: '磅单实时看板', logout: '退出登录', switchTo: 'English',
    'status.offline': '未连接', 'status.connecting': '连接中…', 'status.online': '实时', 'status.reconnecting': '重新连接中…',
    'login.title': '登录', 'login.username': '用户名', 'login.password': '密码', 'login.submit': '登录', 'login.failed': '登录失败',
    'demo.hint': '演示城市账号，密码均为 haulproof-demo（点击用户名填入）：',
    'demo.admin': '管理员 · 全市', 'demo.opGusu': '磅房操作员 · 姑苏区生活垃圾转运站', 'demo.opQzs': '磅房操作员 · 七子山焚烧发电厂',
    'demo.dispCarrier': '调度员 · 姑苏环卫清运公司', 'demo.dispDistrict': '调度员 · 姑苏区', 'demo.inspCity': '督查员 · 全市', 'demo.inspDistrict': '督查员 · 姑苏区',
    'totals.title': '分类累计', 'totals.since': (t) => `自 ${t} 打开本页以来收到的磅单净重（不含已作废）`, 'totals.count': (n) => `${n} 车次`,
    'tickets.title': '最新磅单', 'tickets.empty': '暂无磅单，等待称重数据…',
    devices: (on, all) => `称重终端 ${on}/${all} 在用`,
    'col.time': '时间', 'col.site': '站点', 'col.lane': '磅道', 'col.plate': '车牌', 'col.stream': '垃圾类别', 'col.direction': '方向',
    'col.gross': '毛重', 'col.tare': '皮重', 'col.net': '净重', 'col.provenance': '来源', 'col.flags': '标记',
    IN: '进场', OUT: '出场',
    WEIGHED: '称重', STORED_TARE: '预置皮重', KEYED: '手工录入',
    voided: '已作废', corrected: '已更正',
    'session.ended': '会话已结束，请重新登录',
    stream: { KITCHEN: '厨余垃圾', FOOD_SERVICE: '餐厨垃圾', RECYCLABLE: '可回收物', HAZARDOUS: '有害垃圾', OTHER: '其他垃圾', BULKY: '大件垃圾', CONSTRUCTION: '建筑垃圾', RENOVATION: '装修垃圾' },
    flag: { KEYED: '手工录入', STORED_TARE: '预置皮重', TARE_DEVIATION: '皮重偏差', OVERWEIGHT: '超载', PLATE_MISMATCH: '车牌不符', NO_ZERO_RETURN: '未回零', WEIGHT_JUMP: '重量跳变', REPEAT_WEIGHING: '重复过磅', MANUAL_REVIEW: '待人工复核' },
    role: { ADMIN: '管理员', OPERATOR: '操作员', DISPATCHER: '调度员', INSPECTOR: '督查员' },
  },
  en: {
    title: 'Live weighbridge tickets', logout: 'Log out', switchTo: '中文',
    'status.offline': 'Offline', 'status.connecting': 'Connecting…', 'status.online': 'Live', 'status.reconnecting': 'Reconnecting…',
    'login.title': 'Log in', 'login.username': 'Username', 'login.password': 'Password', 'login.submit': 'Log in', 'login.failed': 'Login failed',
    'demo.hint': 'Demo city logins, all with password haulproof-demo (click a name to fill it in):',
    'demo.admin': 'Administrator · whole city', 'demo.opGusu': 'Weighbridge operator · Gusu transfer station', 'demo.opQzs': 'Weighbridge operator · Qizishan incinerator',
    'demo.dispCarrier': 'Dispatcher · Gusu sanitation carrier', 'demo.dispDistrict': 'Dispatcher · Gusu district', 'demo.inspCity': 'Inspector · whole city', 'demo.inspDistrict': 'Inspector · Gusu district',
    'totals.title': 'Totals by stream', 'totals.since': (t) => `Net weight of tickets received since this page opened at ${t} (voided excluded)`, 'totals.count': (n) => `${n} load${n === 1 ? '' : 's'}`,
    'tickets.title': 'Latest tickets', 'tickets.empty': 'No tickets yet; waiting for weighings…',
    devices: (on, all) => `${on}/${all} weighbridge terminals active`,
    'col.time': 'Time', 'col.site': 'Site', 'col.lane': 'Lane', 'col.plate': 'Plate', 'col.stream': 'Stream', 'col.direction': 'Direction',
    'col.gross': 'Gross', 'col.tare': 'Tare', 'col.net': 'Net', 'col.provenance': 'Source', 'col.flags': 'Flags',
    IN: 'In', OUT: 'Out',
    WEIGHED: 'Weighed', STORED_TARE: 'Stored tare', KEYED: 'Keyed in',
    voided: 'Voided', corrected: 'Corrected',
    'session.ended': 'Your session ended; please log in again',
    stream: { KITCHEN: 'Kitchen', FOOD_SERVICE: 'Food service', RECYCLABLE: 'Recyclables', HAZARDOUS: 'Hazardous', OTHER: 'Other', BULKY: 'Bulky', CONSTRUCTION: 'Construction', RENOVATION: 'Renovation' },
    flag: { KEYED: 'Keyed', STORED_TARE: 'Stored tare', TARE_DEVIATION: 'Tare deviation', OVERWEIGHT: 'Overweight', PLATE_MISMATCH: 'Plate mismatch', NO_ZERO_RETURN: 'No zero return', WEIGHT_JUMP: 'Weight jump', REPEAT_WEIGHING: 'Repeat weighing', MANUAL_REVIEW: 'Manual review' },
    role: { ADMIN: 'Administrator', OPERATOR: 'Operator', DISPATCHER: 'Dispatcher', INSPECTOR: 'Inspector' },
  },
};
const WARN_FLAGS = new Set(['TARE_DEVIATION', 'PLATE_MISMATCH', 'NO_ZERO_RETURN', 'WEIGHT_JUMP', 'REPEAT_WEIGHING', 'MANUAL_REVIEW', 'KEYED']);

const $ = (id) => document.getElementById(id);
const state = {
  lang: localStorage.getItem('haulproof.lang') === 'en' ? 'en' : 'zh',
  token: sessionStorage.getItem('haulproof.token'),
  username: sessionStorage.getItem('haulproof.username'),
  status: 'offline',
  socket: null,
  everConnected: false,
  openedAt: new Date(),
  table: new Map(), // id → TicketView: what the table shows (rebuilt on snapshot and reconnect)
  seen: new Map(), // id → TicketView: every ticket this page received, for the running totals
  devices: new Map(), // deviceId → DeviceStatusEvent
  fresh: new Set(),
};

const t = (key, ...args) => {
  const v = TEXT[state.lang][key];
  return typeof v === 'function' ? v(...args) : v ?? key;
};

// ───── formatting: units always shown, times in the site's own zone ─────
const kgFmt = () => new Intl.NumberFormat(state.lang === 'zh' ? 'zh-CN' : 'en-GB');
const tFmt = () => new Intl.NumberFormat(state.lang === 'zh' ? 'zh-CN' : 'en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const kg = (n) => `${kgFmt().format(n)} kg`;
const tonnes = (n) => `${tFmt().format(n / 1000)} t`;
const timeFormats = new Map();
function siteTime(iso, timeZone) {
  const key = `${state.lang}|${timeZone}`;
  if (!timeFormats.has(key)) {
    timeFormats.set(key, new Intl.DateTimeFormat(state.lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }));
  }
  return timeFormats.get(key).format(new Date(iso));
}
const plateText = (p) => (p.length > 2 ? `${p.slice(0, 2)}·${p.slice(2)}` : p); // 苏E12345 → 苏E·12345

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'data') Object.assign(e.dataset, v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

// ───── rendering (batched to one per frame) ─────
let renderQueued = false;
function render() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderTable();
    renderTotals();
    renderDevices();
  });
}

function renderTable() {
  const rows = [...state.table.values()].sort((a, b) => (a.weighedAt < b.weighedAt ? 1 : a.weighedAt > b.weighedAt ? -1 : 0)).slice(0, TABLE_ROWS);
  const body = document.querySelector('#tickets tbody');
  body.replaceChildren(...rows.map(ticketRow));
  $('empty').hidden = rows.length > 0;
  state.fresh.clear();
}

function ticketRow(v) {
  const flags = el('td', { class: 'flags' });
  if (v.voided) flags.append(el('span', { class: 'badge bad' }, t('voided')));
  if (v.corrected) flags.append(el('span', { class: 'badge warn' }, t('corrected')));
  for (const f of v.flags) if (f !== 'STORED_TARE' && f !== 'KEYED') flags.append(el('span', { class: WARN_FLAGS.has(f) ? 'badge warn' : 'badge' }, TEXT[state.lang].flag[f] ?? f));
  const cls = [state.fresh.has(v.id) ? 'fresh' : '', v.voided ? 'voided' : ''].join(' ').trim();
  return el(
    'tr',
    { class: cls, title: `${v.ticketNo} · ${v.hash.slice(0, 12)}…` },
    el('td', { title: `${v.weighedAt} (${v.siteTimezone})` }, siteTime(v.weighedAt, v.siteTimezone)),
    el('td', {}, v.siteCode),
    el('td', {}, v.laneCode),
    el('td', {}, plateText(v.plate)),
    el('td', {}, el('span', { class: 'stream', data: { stream: v.stream } }, TEXT[state.lang].stream[v.stream] ?? v.stream)),
    el('td', {}, t(v.direction)),
    el('td', { class: 'num' }, kg(v.grossKg)),
    el('td', { class: 'num' }, kg(v.tareKg)),
    el('td', { class: 'num' }, kg(v.netKg)),
    el('td', { class: `prov-${v.provenance}` }, t(v.provenance)),
    flags,
  );
}

function renderTotals() {
  const sums = new Map(HOUSEHOLD.map((s) => [s, { kg: 0, n: 0 }]));
  for (const v of state.seen.values()) {
    if (v.voided) continue;
    const s = sums.get(v.stream) ?? { kg: 0, n: 0 };
    s.kg += v.netKg;
    s.n += 1;
    sums.set(v.stream, s);
  }
  const cards = STREAMS.filter((s) => sums.has(s)).map((s) =>
    el('div', { class: 'total', data: { stream: s } }, el('div', { class: 'name' }, TEXT[state.lang].stream[s]), el('div', { class: 'value' }, tonnes(sums.get(s).kg)), el('div', { class: 'count' }, t('totals.count', sums.get(s).n))),
  );
  $('totals').replaceChildren(...cards);
  $('totals-note').textContent = t('totals.since', new Intl.DateTimeFormat(state.lang === 'zh' ? 'zh-CN' : 'en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(state.openedAt));
}

function renderDevices() {
  const all = [...state.devices.values()];
  $('devices').textContent = all.length ? t('devices', all.filter((d) => d.status === 'ACTIVE').length, all.length) : '';
  $('devices').title = all.map((d) => `${d.deviceCode}: ${d.status}${d.lastSeenAt ? ` · ${d.lastSeenAt}` : ''}`).join('\n');
}

function applyLanguage() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  $('status-text').textContent = t(`status.${state.status}`);
  $('lang').textContent = TEXT[state.lang].switchTo;
  $('lang').lang = state.lang === 'zh' ? 'en' : 'zh-CN';
  document.title = `Haulproof · ${t('title')}`;
  render();
}

function setStatus(s) {
  state.status = s;
  $('status').dataset.state = s;
  $('status-text').textContent = t(`status.${s}`);
}

// ───── data ─────
function upsert(v, { fresh = false } = {}) {
  state.table.set(v.id, v);
  state.seen.set(v.id, v);
  if (fresh) state.fresh.add(v.id);
}

function rebuild(tickets) {
  state.table.clear();
  for (const v of tickets) upsert(v);
  render();
}

async function api(path, options = {}) {
  const res = await fetch(path, { ...options, headers: { 'content-type': 'application/json', ...(state.token ? { authorization: `Bearer ${state.token}` } : {}), ...options.headers } });
  const body = await res.json().catch(() => ({}));
  if (res.status === 401 && state.token) logout(body.message ?? t('session.ended'));
  if (!res.ok) throw new Error(body.message ?? `HTTP ${res.status}`);
  return body;
}

/** After a reconnect the deltas sent while we were away are lost: rebuild from REST. */
async function refetch() {
  try {
    const page = await api(`/api/v1/tickets?limit=100`);
    rebuild(page.items);
  } catch (err) {
    console.warn('refetch failed', err);
  }
}

// ───── socket ─────
function connect() {
  setStatus('connecting');
  const socket = io({ path: '/socket.io', auth: { token: state.token } });
  state.socket = socket;
  socket.on('connect', () => {
    setStatus('online');
    if (state.everConnected) void refetch();
    state.everConnected = true;
  });
  socket.on('disconnect', (reason) => {
    // The server only disconnects a socket whose session ended; the client reconnects by itself otherwise.
    if (reason === 'io server disconnect') logout(t('session.ended'));
    else setStatus('reconnecting');
  });
  socket.on('connect_error', (err) => {
    if (err.data && err.data.status === 401) logout(err.message);
    else setStatus('reconnecting');
  });
  socket.on('snapshot', (s) => {
    state.devices = new Map(s.devices.map((d) => [d.deviceId, d]));
    rebuild(s.tickets);
  });
  for (const event of ['ticket.accepted', 'ticket.voided', 'ticket.corrected']) {
    socket.on(event, (v) => {
      upsert(v, { fresh: true });
      render();
    });
  }
  socket.on('device.status', (d) => {
    state.devices.set(d.deviceId, d);
    render();
  });
}

/** socket.io waits out its backoff; when the network or the tab comes back, try at once. */
function reconnectNow() {
  const s = state.socket;
  if (!s || s.connected) return;
  s.disconnect();
  s.connect();
  setStatus('connecting');
}
window.addEventListener('online', reconnectNow);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') reconnectNow();
});

// ───── login ─────
function showLive() {
  $('login-view').hidden = true;
  $('live-view').hidden = false;
  $('logout').hidden = false;
  $('who').textContent = state.username ?? '';
  connect();
  render();
}

function logout(message = '') {
  state.socket?.disconnect();
  state.socket = null;
  state.token = null;
  state.everConnected = false;
  sessionStorage.removeItem('haulproof.token');
  state.table.clear();
  state.seen.clear();
  state.devices.clear();
  setStatus('offline');
  $('live-view').hidden = true;
  $('login-view').hidden = false;
  $('logout').hidden = true;
  $('who').textContent = '';
  $('login-error').textContent = message;
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.currentTarget);
  const username = String(form.get('username')).trim();
  $('login-error').textContent = '';
  try {
    const { token } = await api('/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ username, password: form.get('password') }) });
    state.token = token;
    state.username = username;
    state.openedAt = new Date();
    sessionStorage.setItem('haulproof.token', token);
    sessionStorage.setItem('haulproof.username', username);
    showLive();
  } catch (err) {
    $('login-error').textContent = `${t('login.failed')}: ${err.message}`;
  }
});
for (const b of document.querySelectorAll('#demo-users button')) {
  b.addEventListener('click', () => {
    $('login-form').elements.username.value = b.dataset.user;
    $('login-form').elements.password.focus();
  });
}
$('logout').addEventListener('click', () => logout());
$('lang').addEventListener('click', () => {
  state.lang = state.lang === 'zh' ? 'en' : 'zh';
  localStorage.setItem('haulproof.lang', state.lang);
  applyLanguage();
});

applyLanguage();
if (state.token) showLive();
