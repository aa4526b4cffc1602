// llm-router status page: fetches GET /ui/status every REFRESH_MS and redraws. Every value is put in the
// page with textContent or setAttribute, never as HTML, so names from the config or from clients cannot
// inject markup. The master key lives in this tab's sessionStorage and travels only in a header.
'use strict';
(function () {
  const REFRESH_MS = 2000;
  const KEY = 'llm-router-master-key';
  const $ = (id) => document.getElementById(id);
  let timer = null;
  let inFlight = false;
  let memoryKey = null; // when sessionStorage is unavailable (some private modes)

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function key() {
    try { return sessionStorage.getItem(KEY) || memoryKey; } catch (e) { return memoryKey; }
  }

  const plural = (n, word) => n + ' ' + word + (n === 1 ? '' : 's');

  function duration(ms) {
    if (ms <= 0) return 'now';
    const s = Math.ceil(ms / 1000);
    if (s < 60) return s + ' s';
    const m = Math.floor(s / 60);
    if (m < 60) return m + ' min ' + (s % 60) + ' s';
    const h = Math.floor(m / 60);
    if (h < 48) return h + ' h ' + (m % 60) + ' min';
    return Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
  }

  // "14:03:07 (in 42 s)", relative to the snapshot's own instant (the router's clock).
  function when(iso, at) {
    if (!iso) return '—';
    const t = Date.parse(iso);
    const d = new Date(t);
    const pad = (n) => String(n).padStart(2, '0');
    const day = (t - at) >= 86400000 ? d.toISOString().slice(0, 10) + ' ' : '';
    const clock = day + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds()) + ' UTC';
    return clock + (t > at ? ' (in ' + duration(t - at) + ')' : ' (now)');
  }

  function cell(k, v, extra) {
    const c = el('div', 'cell');
    c.appendChild(el('div', 'k', k));
    const value = el('div', 'v', v);
    c.appendChild(value);
    if (extra) c.appendChild(extra);
    return c;
  }

  function bar(used, limit) {
    const b = el('div', 'bar');
    const fill = el('span');
    const ratio = limit > 0 ? Math.min(1, used / limit) : 0;
    fill.style.width = (ratio * 100).toFixed(1) + '%';
    if (ratio >= 1) b.classList.add('full'); else if (ratio >= 0.8) b.classList.add('high');
    b.appendChild(fill);
    return b;
  }

  // "998 / 1000 left" with "per day, resets in 2 min 52 s" under it.
  function windowCell(name, w, at) {
    if (!w) return cell(name, '—');
    const left = w.remaining === null ? '?' : w.remaining;
    const of = w.limit === null ? '' : ' / ' + w.limit;
    let note = 'per ' + w.scope;
    if (w.reset_at) {
      const t = Date.parse(w.reset_at);
      note += t > at ? ', resets in ' + duration(t - at) : ', reset due';
    }
    return cell(name, left + of + ' left', el('div', 'note', note));
  }

  function deployment(d, at) {
    const row = el('div', 'dep');
    row.setAttribute('data-deployment', d.id);
    let state; let cls;
    if (d.cooling_until) { state = 'cooling'; cls = 'bad'; }
    else if (d.quota && d.quota.blocked_until) { state = 'quota spent'; cls = 'bad'; }
    else if (!d.healthy) { state = 'unhealthy'; cls = 'bad'; }
    else if (!d.available_now) { state = 'at limit'; cls = 'warn'; }
    else { state = 'available'; cls = 'ok'; }
    row.setAttribute('data-state', state);

    const name = el('div', 'name');
    name.appendChild(el('div', 'id', d.id));
    name.appendChild(el('div', 'model', d.provider + '/' + d.model));
    const badge = el('span', 'badge ' + cls, state);
    badge.setAttribute('data-role', 'state');
    name.appendChild(badge);
    row.appendChild(name);

    if (d.cooling_until) row.appendChild(cell('cooling until', when(d.cooling_until, at)));
    else if (!d.available_now && d.available_at) row.appendChild(cell('available at', when(d.available_at, at)));
    if (d.rpm.limit !== null) row.appendChild(cell('rpm', (d.rpm.used < 0 ? '?' : d.rpm.used) + ' / ' + d.rpm.limit, bar(d.rpm.used, d.rpm.limit)));
    if (d.tpm.limit !== null) row.appendChild(cell('tpm', d.tpm.used + ' / ' + d.tpm.limit, bar(d.tpm.used, d.tpm.limit)));
    if (d.quota) {
      row.appendChild(windowCell('requests quota', d.quota.requests, at));
      row.appendChild(windowCell('tokens quota', d.quota.tokens, at));
      if (d.quota.blocked_until) row.appendChild(cell('blocked until', when(d.quota.blocked_until, at)));
    }
    row.appendChild(cell('last hour', plural(d.requests_last_hour, 'call') + (d.in_flight ? ', ' + d.in_flight + ' in flight' : '')));
    row.appendChild(cell('health', d.healthy ? 'ok' : 'failing'));
    if (d.cooling_reason) row.appendChild(el('div', 'why', 'why: ' + d.cooling_reason));
    if (d.health_error) row.appendChild(el('div', 'why', 'health: ' + d.health_error));
    return row;
  }

  function render(s) {
    const at = Date.parse(s.at);
    const box = $('groups');
    const frag = document.createDocumentFragment();
    let deps = 0; let down = 0;
    for (const g of s.groups) {
      const sec = el('section', 'group');
      sec.setAttribute('data-group', g.name);
      const head = el('div', 'head');
      head.appendChild(el('h2', null, g.name));
      head.appendChild(el('span', 'badge ' + (g.available_now ? 'ok' : 'bad'), g.available_now ? 'serving' : 'not serving'));
      if (!g.available_now && g.available_at) head.appendChild(el('span', 'muted', 'back ' + when(g.available_at, at)));
      head.appendChild(el('span', 'muted', plural(g.requests_last_hour, 'request') + ', ' + plural(g.fallbacks_last_hour, 'fallback') + ' in the last hour'));
      sec.appendChild(head);
      for (const d of g.deployments) {
        deps++;
        if (!d.available_now) down++;
        sec.appendChild(deployment(d, at));
      }
      frag.appendChild(sec);
    }
    box.replaceChildren(frag);
    // What applies to the whole server: a reload that failed (the last good configuration still serves) and
    // the shared-state link when several instances share one budget.
    const notes = [];
    if (s.config && s.config.status === 'reload_failed') {
      notes.push(['bad', 'config reload failed at ' + s.config.failed_at.slice(11, 19) + ' UTC, still serving the last good configuration: ' + s.config.error]);
    }
    if (s.shared_state) {
      notes.push(s.shared_state.connected
        ? ['ok', 'shared state (' + s.shared_state.backend + '): connected']
        : ['bad', 'shared state (' + s.shared_state.backend + '): apart, admitting under local limits' + (s.shared_state.detail ? ' (' + s.shared_state.detail + ')' : '')]);
    }
    const nbox = $('notices');
    nbox.replaceChildren(...notes.map(function (n) { return el('p', 'notice ' + n[0], n[1]); }));
    nbox.hidden = notes.length === 0;
    $('summary').textContent = plural(s.groups.length, 'group') + ', ' + plural(deps, 'deployment') + ', ' + down + ' not available';
    $('updated').textContent = 'as of ' + s.at.slice(11, 19) + ' UTC, refreshing every ' + (REFRESH_MS / 1000) + ' s';
    $('updated').setAttribute('data-at', s.at);
  }

  function showLogin(message) {
    stop();
    $('groups').replaceChildren();
    $('logout').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('key').focus();
  }

  function stop() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  async function load(candidate) {
    const headers = { 'Accept': 'application/json' };
    const k = candidate !== undefined ? candidate : key();
    if (k) headers['Authorization'] = 'Bearer ' + k;
    const r = await fetch('/ui/status', { headers: headers, cache: 'no-store', credentials: 'omit' });
    if (r.status === 401) return { unauthorized: true };
    if (!r.ok) throw new Error('status endpoint answered HTTP ' + r.status);
    return { data: await r.json() };
  }

  async function refresh() {
    if (inFlight) return;
    inFlight = true;
    try {
      const res = await load();
      if (res.unauthorized) { showLogin(key() ? 'The key was refused.' : ''); return; }
      $('error').hidden = true;
      $('login').hidden = true;
      $('logout').hidden = !key();
      render(res.data);
    } catch (e) {
      $('error').textContent = 'Cannot reach the router: ' + e.message + ' (retrying)';
      $('error').hidden = false;
    } finally {
      inFlight = false;
    }
    stop();
    timer = setTimeout(refresh, REFRESH_MS);
  }

  $('login').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const k = $('key').value.trim();
    if (!k) return;
    try {
      const res = await load(k);
      if (res.unauthorized) { $('login-error').textContent = 'That is not the master key.'; return; }
      memoryKey = k;
      try { sessionStorage.setItem(KEY, k); } catch (e) { /* private mode: memoryKey keeps it for this page */ }
      $('key').value = '';
      $('login').hidden = true;
      render(res.data);
      refresh();
    } catch (e) {
      $('login-error').textContent = 'Cannot reach the router: ' + e.message;
    }
  });

  $('logout').addEventListener('click', () => {
    memoryKey = null;
    try { sessionStorage.removeItem(KEY); } catch (e) { /* nothing stored */ }
    showLogin('');
  });

  refresh();
})();
