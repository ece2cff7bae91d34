/* digitpad class session: the participant page (docs/CLASS_SESSION.md is the protocol).
 *
 * Draw a digit; the presenter's network reads it live over the WebSocket; tap which digit
 * was meant; send. A drawing survives a lost connection and a reload (localStorage) and
 * is sent again with the same id until the app says `received`, so it is stored once.
 * Everything shown is set with textContent: nothing received is ever parsed as HTML.
 */
'use strict';
(function () {
  // ---- words (English, Korean) ---------------------------------------------------------
  var WORDS = {
    en: {
      title: 'digitpad: draw a digit',
      room: 'Room',
      nickname: 'Your name',
      nicknameHint: 'Your name',
      pad: 'Drawing pad: draw one digit with your finger, a pen or the mouse',
      readLabel: 'What the network read',
      connecting: 'Connecting…',
      connected: 'Connected',
      reconnecting: 'Reconnecting…',
      left: 'Left the session',
      promptFree: 'Draw a digit, then tap which one you meant.',
      promptDigit: function (d) { return 'Draw a ' + d; },
      promptChallenge: 'Challenge: what the network reads stays hidden until you send.',
      which: 'Which digit did you mean?',
      undo: 'Undo',
      clear: 'Clear',
      send: 'Send',
      sending: 'Sending…',
      hintDraw: 'Draw, and see what the network reads.',
      hintHidden: 'Hidden until you send.',
      hintReading: 'Reading…',
      pickLabel: 'Now tap which digit you meant, then Send.',
      queued: 'Kept: it will be sent when the connection is back.',
      waiting: 'Sending… (waiting for the presenter’s app)',
      received: 'Received. Thank you! Draw the next one.',
      readYou: 'It read you!',
      readAs: function (d) { return 'It read a ' + d; },
      paused: 'The presenter paused sending.',
      unreachable: 'Cannot reach the presenter’s app. Still trying…',
      removed: 'The presenter removed you from this session. Thank you for taking part!',
      tooManyStrokes: 'That is as many strokes as a drawing can have: undo or clear.',
      tooManyPoints: 'That is as much ink as a drawing can have: undo or clear.',
      tooBig: 'This drawing is too large to send: undo or clear.',
      errors: {
        rate: 'Too fast: wait a moment and try again.',
        paused: 'The presenter paused sending.',
        full: 'This session is full.',
        removed: 'The presenter removed you from this session.',
        'no-model': 'The presenter’s app has no network loaded yet.',
        storage: 'The presenter’s app could not save your drawing: tap Send again.',
        empty: 'Draw a digit first.',
        'too-many-strokes': 'That is as many strokes as a drawing can have: undo or clear.',
        'too-many-points': 'That is as much ink as a drawing can have: undo or clear.'
      },
      errorOther: function (code) { return 'Error: ' + code; }
    },
    ko: {
      title: 'digitpad: 숫자 그리기',
      room: '방',
      nickname: '이름',
      nicknameHint: '이름 (선택)',
      pad: '그림판: 손가락, 펜 또는 마우스로 숫자 하나를 그리세요',
      readLabel: '신경망이 읽은 숫자',
      connecting: '연결 중…',
      connected: '연결됨',
      reconnecting: '다시 연결 중…',
      left: '세션에서 나감',
      promptFree: '숫자를 그린 다음, 어떤 숫자인지 누르세요.',
      promptDigit: function (d) { return d + OBJ[d] + ' 그리세요'; },
      promptChallenge: '도전: 보내기 전까지는 신경망이 읽은 결과가 보이지 않습니다.',
      which: '어떤 숫자를 그렸나요?',
      undo: '실행 취소',
      clear: '모두 지우기',
      send: '보내기',
      sending: '보내는 중…',
      hintDraw: '그리면 신경망이 읽은 결과가 나타납니다.',
      hintHidden: '보내면 결과가 나타납니다.',
      hintReading: '읽는 중…',
      pickLabel: '이제 어떤 숫자인지 누르고 보내기를 누르세요.',
      queued: '저장해 두었습니다. 다시 연결되면 보냅니다.',
      waiting: '보내는 중… (발표자의 앱을 기다리는 중)',
      received: '받았습니다. 고마워요! 다음 숫자를 그리세요.',
      readYou: '제대로 읽었어요!',
      readAs: function (d) { return d + TO[d] + ' 읽었어요'; },
      paused: '발표자가 보내기를 잠시 멈췄습니다.',
      unreachable: '발표자의 앱에 연결할 수 없습니다. 계속 시도하는 중…',
      removed: '발표자가 이 세션에서 내보냈습니다. 참여해 주셔서 고맙습니다!',
      tooManyStrokes: '한 그림에 그을 수 있는 획을 모두 썼습니다. 실행 취소하거나 지우세요.',
      tooManyPoints: '한 그림에 쓸 수 있는 잉크를 모두 썼습니다. 실행 취소하거나 지우세요.',
      tooBig: '그림이 너무 커서 보낼 수 없습니다. 실행 취소하거나 지우세요.',
      errors: {
        rate: '너무 빠릅니다. 잠시 후 다시 해 보세요.',
        paused: '발표자가 보내기를 잠시 멈췄습니다.',
        full: '세션이 가득 찼습니다.',
        removed: '발표자가 이 세션에서 내보냈습니다.',
        'no-model': '발표자의 앱에 아직 신경망이 없습니다.',
        storage: '발표자의 앱이 그림을 저장하지 못했습니다. 보내기를 다시 누르세요.',
        empty: '먼저 숫자를 그리세요.',
        'too-many-strokes': '한 그림에 그을 수 있는 획을 모두 썼습니다. 실행 취소하거나 지우세요.',
        'too-many-points': '한 그림에 쓸 수 있는 잉크를 모두 썼습니다. 실행 취소하거나 지우세요.'
      },
      errorOther: function (code) { return '오류: ' + code; }
    }
  };
  // Korean particles after a digit read aloud (영 일 이 삼 사 오 육 칠 팔 구): 을/를, (으)로.
  var OBJ = ['을', '을', '를', '을', '를', '를', '을', '을', '을', '를'];
  var TO = ['으로', '로', '로', '으로', '로', '로', '으로', '로', '로', '로'];

  // ---- constants ----------------------------------------------------------------------
  var THIN = 1 / 200; // points closer than this (fraction of the pad's side) are dropped
  var INK = 0.09; // pen width as a fraction of the pad's side (digitpad's default brush)
  var READ_EVERY_MS = 100; // at most 10 readings a second
  var BACKOFF_MIN_MS = 500, BACKOFF_MAX_MS = 5000;
  var OPEN_TIMEOUT_MS = 8000; // a socket still opening after this is given up and retried
  var SEND_TIMEOUT_MS = 15000; // no answer to a send: assume a dead socket, reconnect, resend
  var RATE_RETRY_MS = 1200;
  var FLASH_MS = 6000;
  var ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

  var TOKEN = location.pathname.split('/').filter(Boolean)[0] || 'local';
  var KEY = 'digitpad:' + TOKEN + ':';
  var NICK_KEY = 'digitpad-nickname';

  // ---- storage (a phone with storage off still works, it just forgets on reload) ------
  function load(name) {
    try {
      var raw = localStorage.getItem(KEY + name);
      return raw === null ? null : JSON.parse(raw);
    } catch (e) { return null; }
  }
  function save(name, value) {
    try {
      if (value === null || value === undefined) localStorage.removeItem(KEY + name);
      else localStorage.setItem(KEY + name, JSON.stringify(value));
    } catch (e) { /* full or disabled */ }
  }
  function forgetOtherSessions() {
    try {
      var old = [];
      for (var i = 0; i < localStorage.length; i++) {
        var k = localStorage.key(i);
        if (k && k.indexOf('digitpad:') === 0 && k.indexOf(KEY) !== 0) old.push(k);
      }
      old.forEach(function (k) { localStorage.removeItem(k); });
    } catch (e) { /* ignore */ }
  }

  // ---- checks on what was stored or received ------------------------------------------
  function isDigit(v) { return typeof v === 'number' && v % 1 === 0 && v >= 0 && v <= 9; }
  function validStrokes(v) {
    if (!Array.isArray(v)) return null;
    var out = [];
    for (var i = 0; i < v.length; i++) {
      var s = v[i];
      if (!Array.isArray(s)) return null;
      var line = [];
      for (var j = 0; j < s.length; j++) {
        var p = s[j];
        if (!Array.isArray(p) || p.length !== 2 || !isFinite(p[0]) || !isFinite(p[1]) ||
            typeof p[0] !== 'number' || typeof p[1] !== 'number') return null;
        line.push([p[0], p[1]]);
      }
      if (line.length) out.push(line);
    }
    return out;
  }
  function validPending(v) {
    if (!v || typeof v !== 'object' || typeof v.id !== 'string' ||
        !/^[A-Za-z0-9_-]{8,64}$/.test(v.id) || !isDigit(v.label)) return null;
    var strokes = validStrokes(v.strokes);
    return strokes && strokes.length ? { id: v.id, label: v.label, strokes: strokes } : null;
  }
  function validProbabilities(v) {
    if (!Array.isArray(v) || v.length !== 10) return null;
    for (var i = 0; i < 10; i++) if (typeof v[i] !== 'number' || !isFinite(v[i])) return null;
    return v.slice();
  }
  function argmax(v) {
    var best = 0;
    for (var i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
    return best;
  }
  function validRound(v) {
    if (!v || typeof v !== 'object') return null;
    var kind = (v.kind === 'digit' || v.kind === 'challenge') ? v.kind : 'free';
    return { id: typeof v.id === 'number' ? v.id : 0, kind: kind, digit: isDigit(v.digit) ? v.digit : null };
  }

  function makeId(length) {
    var out = '';
    var c = window.crypto || window.msCrypto;
    while (out.length < length) {
      var bytes = new Uint8Array(32);
      if (c && c.getRandomValues) c.getRandomValues(bytes);
      else for (var i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
      for (var j = 0; j < bytes.length && out.length < length; j++) {
        if (bytes[j] < 248) out += ID_CHARS.charAt(bytes[j] % 62); // 248 = 4 * 62: no bias
      }
    }
    return out;
  }

  // ---- language -----------------------------------------------------------------------
  function browserLanguage() {
    var hash = /(?:^#|&)lang=(en|ko)\b/.exec(location.hash || '');
    if (hash) return hash[1];
    var list = (navigator.languages && navigator.languages.length) ? navigator.languages : [navigator.language];
    for (var i = 0; i < list.length; i++) {
      var code = String(list[i] || '').toLowerCase();
      if (code.indexOf('ko') === 0) return 'ko';
      if (code.indexOf('en') === 0) return 'en';
    }
    return null;
  }

  // ---- state --------------------------------------------------------------------------
  forgetOtherSessions();
  var pendingLoaded = validPending(load('pending'));
  var S = {
    browserLang: browserLanguage(),
    lang: 'en',
    conn: 'connecting', // connecting | connected | reconnecting | removed
    joined: false,
    removed: false,
    participant: typeof load('participant') === 'string' ? load('participant') : null,
    nickname: '',
    room: null,
    round: { id: 0, kind: 'free', digit: null },
    paused: false,
    limits: { strokes: 64, points: 4000, message_bytes: 65536, nickname: 24 },
    strokes: pendingLoaded ? pendingLoaded.strokes : (validStrokes(load('draft')) || []),
    label: pendingLoaded ? pendingLoaded.label : null,
    pending: pendingLoaded,
    sent: typeof load('sent') === 'number' ? load('sent') : 0,
    lastReading: null, // {seq, hidden, probabilities, digit}
    result: null, // the last `received`, shown until the next stroke
    seq: 0,
    minSeq: 1, // readings asked before the drawing was cleared or undone are stale
    appliedSeq: 0,
    failures: 0,
    flash: null // {text, kind, until}
  };
  S.lang = S.browserLang || (load('lang') === 'ko' ? 'ko' : 'en');
  try { S.nickname = String(localStorage.getItem(NICK_KEY) || '').slice(0, 24); } catch (e) { /* none */ }

  function t(key) {
    var words = WORDS[S.lang] || WORDS.en;
    return key in words ? words[key] : WORDS.en[key];
  }
  function fixedDigit() {
    return S.round.kind === 'digit' && isDigit(S.round.digit) ? S.round.digit : null;
  }
  function concealed() { return S.round.kind === 'challenge'; }
  function pointCount() {
    var n = 0;
    for (var i = 0; i < S.strokes.length; i++) n += S.strokes[i].length;
    return n;
  }

  // ---- elements -----------------------------------------------------------------------
  function $(id) { return document.getElementById(id); }
  var app = $('app'), pad = $('pad'), padbox = $('padbox'), ctx = pad.getContext('2d');
  var sendButton = $('send'), undoButton = $('undo'), clearButton = $('clear');
  var nickInput = $('nickname'), statusLine = $('status'), note = $('note');
  var digitBox = $('digit'), reading = $('reading'), labelsBox = $('labels');
  var bars = Array.prototype.slice.call($('bars').children);
  var labelButtons = Array.prototype.slice.call(document.querySelectorAll('.label[data-digit]'));
  nickInput.value = S.nickname;

  // ---- the pad: drawing ---------------------------------------------------------------
  var side = 0, ratio = 1;
  var active = null; // the pointer drawing now
  var current = null; // its stroke (also the last item of S.strokes)

  function fitPad() {
    var w = padbox.clientWidth, h = padbox.clientHeight;
    var size = Math.max(100, Math.floor(Math.min(w, h)));
    var dpr = Math.min(window.devicePixelRatio || 1, 3);
    if (size === side && dpr === ratio) return;
    side = size;
    ratio = dpr;
    pad.style.width = size + 'px';
    pad.style.height = size + 'px';
    pad.width = Math.round(size * dpr);
    pad.height = Math.round(size * dpr);
    redraw();
  }

  function inkStyle() {
    ctx.setTransform(ratio * side, 0, 0, ratio * side, 0, 0); // draw in pad fractions
    ctx.strokeStyle = '#ffffff';
    ctx.fillStyle = '#ffffff';
    ctx.lineWidth = INK;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
  }
  function dot(p) {
    ctx.beginPath();
    ctx.arc(p[0], p[1], INK / 2, 0, 2 * Math.PI);
    ctx.fill();
  }
  function redraw() {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#000000';
    ctx.fillRect(0, 0, pad.width, pad.height);
    inkStyle();
    S.strokes.forEach(function (s) {
      if (s.length === 1) { dot(s[0]); return; }
      ctx.beginPath();
      ctx.moveTo(s[0][0], s[0][1]);
      for (var i = 1; i < s.length; i++) ctx.lineTo(s[i][0], s[i][1]);
      ctx.stroke();
    });
  }
  function segment(a, b) {
    inkStyle();
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
  }

  function toPad(e) {
    var r = pad.getBoundingClientRect();
    var x = (e.clientX - r.left) / (r.width || 1), y = (e.clientY - r.top) / (r.height || 1);
    x = Math.min(1, Math.max(0, x));
    y = Math.min(1, Math.max(0, y));
    return [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000];
  }
  function padLocked() { return S.removed || S.pending !== null; }

  function addPoint(p, last) {
    var prev = current[current.length - 1];
    var dx = p[0] - prev[0], dy = p[1] - prev[1];
    var far = dx * dx + dy * dy >= THIN * THIN;
    if (!far && !(last && (dx !== 0 || dy !== 0) && current.length === 1)) return false;
    if (pointCount() >= S.limits.points) {
      flash(t('tooManyPoints'), 'warn');
      return false;
    }
    current.push(p);
    segment(prev, p);
    return true;
  }

  pad.addEventListener('pointerdown', function (e) {
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    e.preventDefault();
    if (active !== null || padLocked()) return;
    if (S.strokes.length >= S.limits.strokes) { flash(t('tooManyStrokes'), 'warn'); return; }
    if (pointCount() >= S.limits.points) { flash(t('tooManyPoints'), 'warn'); return; }
    if (document.activeElement === nickInput) nickInput.blur(); // the keyboard goes away
    active = e.pointerId;
    try { pad.setPointerCapture(e.pointerId); } catch (err) { /* not capturable */ }
    if (S.result) { S.result = null; }
    if (S.flash && S.flash.kind === 'ok') S.flash = null;
    current = [toPad(e)];
    S.strokes.push(current);
    inkStyle();
    dot(current[0]);
    scheduleRead();
    render();
  });
  pad.addEventListener('pointermove', function (e) {
    if (e.pointerId !== active) return;
    e.preventDefault();
    var events = (typeof e.getCoalescedEvents === 'function') ? e.getCoalescedEvents() : null;
    if (!events || !events.length) events = [e];
    var added = false;
    for (var i = 0; i < events.length; i++) added = addPoint(toPad(events[i]), false) || added;
    if (added) scheduleRead();
  });
  function endStroke(e) {
    if (e.pointerId !== active) return;
    e.preventDefault();
    if (e.type === 'pointerup') addPoint(toPad(e), true);
    active = null;
    current = null;
    try { pad.releasePointerCapture(e.pointerId); } catch (err) { /* released already */ }
    save('draft', S.strokes);
    scheduleRead();
    render();
  }
  pad.addEventListener('pointerup', endStroke);
  pad.addEventListener('pointercancel', endStroke);
  pad.addEventListener('lostpointercapture', function (e) { if (e.pointerId === active) endStroke(e); });
  pad.addEventListener('contextmenu', function (e) { e.preventDefault(); });
  pad.addEventListener('touchstart', function (e) { e.preventDefault(); }, { passive: false });
  pad.addEventListener('touchmove', function (e) { e.preventDefault(); }, { passive: false });
  document.addEventListener('gesturestart', function (e) { e.preventDefault(); }); // Safari pinch
  document.addEventListener('dblclick', function (e) { if (e.target === pad) e.preventDefault(); });

  function drawingChanged() {
    S.minSeq = S.seq + 1;
    S.result = null;
    if (!S.strokes.length) S.lastReading = null;
    save('draft', S.strokes.length ? S.strokes : null);
    redraw();
    scheduleRead();
    render();
  }
  undoButton.addEventListener('click', function () {
    if (padLocked() || active !== null || !S.strokes.length) return;
    S.strokes.pop();
    drawingChanged();
  });
  clearButton.addEventListener('click', function () {
    if (padLocked() || active !== null) return;
    S.strokes = [];
    if (fixedDigit() === null) S.label = null;
    S.flash = null;
    drawingChanged();
  });
  labelButtons.forEach(function (b) {
    b.addEventListener('click', function () {
      if (padLocked() || fixedDigit() !== null) return;
      var d = Number(b.getAttribute('data-digit'));
      S.label = S.label === d ? null : d;
      render();
    });
  });
  sendButton.addEventListener('click', sendDrawing);
  document.addEventListener('keydown', function (e) {
    if (e.target === nickInput || e.altKey) return;
    if ((e.ctrlKey || e.metaKey) && (e.key === 'z' || e.key === 'Z')) { e.preventDefault(); undoButton.click(); return; }
    if (e.ctrlKey || e.metaKey) return;
    if (/^[0-9]$/.test(e.key)) {
      var b = labelButtons[Number(e.key)];
      if (b && !b.disabled) b.click();
    }
  });

  // ---- the nickname -------------------------------------------------------------------
  var nickSent = null;
  function cleanNickname(v) {
    return String(v || '').replace(/[\u0000-\u001f\u007f-\u009f]/g, '').replace(/\s+/g, ' ').trim()
      .slice(0, S.limits.nickname || 24);
  }
  function nicknameChanged() {
    var v = cleanNickname(nickInput.value);
    S.nickname = v;
    try { localStorage.setItem(NICK_KEY, v); } catch (e) { /* ignore */ }
    if (S.joined && v && v !== nickSent) {
      nickSent = v;
      transmit({ t: 'nickname', nickname: v });
    }
  }
  nickInput.addEventListener('change', nicknameChanged);
  nickInput.addEventListener('keydown', function (e) { if (e.key === 'Enter') nickInput.blur(); });

  // ---- the connection -----------------------------------------------------------------
  var ws = null, attempt = 0, retryTimer = null, openTimer = null, sendTimer = null;
  var everJoined = false;

  function wsUrl() {
    return (location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host +
      location.pathname.replace(/[^/]*$/, '') + 'ws';
  }
  function setConn(state) { S.conn = state; render(); }

  function connect() {
    if (S.removed || ws) return;
    clearTimeout(retryTimer);
    retryTimer = null;
    setConn(everJoined ? 'reconnecting' : 'connecting');
    var sock;
    try { sock = new WebSocket(wsUrl()); } catch (e) { scheduleReconnect(); return; }
    ws = sock;
    openTimer = setTimeout(function () { if (ws === sock && !S.joined) drop(); }, OPEN_TIMEOUT_MS);
    sock.addEventListener('open', function () {
      if (ws !== sock) return;
      nickSent = cleanNickname(nickInput.value);
      transmit({ t: 'hello', participant: S.participant, nickname: nickSent || null, lang: S.lang });
    });
    sock.addEventListener('message', function (ev) {
      if (ws !== sock || typeof ev.data !== 'string') return;
      var m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m && typeof m === 'object' && typeof m.t === 'string') handle(m);
    });
    sock.addEventListener('close', function (ev) {
      if (ws !== sock) return;
      lost();
      if (ev.code === 4003) removed();
      else scheduleReconnect();
    });
    sock.addEventListener('error', function () { /* a close follows */ });
  }
  function lost() {
    ws = null;
    S.joined = false;
    clearTimeout(openTimer);
    clearTimeout(sendTimer);
    sendTimer = null;
  }
  function drop() { // give a socket up without waiting for its close (a dead Wi-Fi link)
    var sock = ws;
    lost();
    try { if (sock) sock.close(); } catch (e) { /* closed */ }
    scheduleReconnect();
  }
  function scheduleReconnect() {
    if (S.removed || retryTimer || ws) return;
    var delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * Math.pow(2, attempt));
    attempt = Math.min(attempt + 1, 10);
    S.failures += 1;
    setConn(everJoined ? 'reconnecting' : 'connecting');
    retryTimer = setTimeout(function () { retryTimer = null; connect(); }, delay);
  }
  function reconnectNow() { // the phone woke up or came back online: do not wait out the backoff
    if (S.removed || ws) return;
    clearTimeout(retryTimer);
    retryTimer = null;
    attempt = 0;
    connect();
  }
  window.addEventListener('online', reconnectNow);
  window.addEventListener('pageshow', reconnectNow);
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') reconnectNow();
  });

  function transmit(message) {
    if (!ws || ws.readyState !== 1) return false;
    var text = JSON.stringify(message);
    if (text.length >= (S.limits.message_bytes || 65536)) return null; // strokes are ASCII
    try { ws.send(text); } catch (e) { return false; }
    return true;
  }

  // ---- readings -----------------------------------------------------------------------
  var readTimer = null, lastReadAt = 0, readDirty = false;
  function scheduleRead() {
    readDirty = true;
    if (readTimer) return;
    var wait = Math.max(0, lastReadAt + READ_EVERY_MS - Date.now());
    readTimer = setTimeout(flushRead, wait);
  }
  function flushRead() {
    readTimer = null;
    if (!readDirty || !S.joined) return; // asked again after the next welcome
    readDirty = false;
    if (!S.strokes.length || S.pending || S.removed) return;
    lastReadAt = Date.now();
    S.seq += 1;
    if (transmit({ t: 'read', seq: S.seq, strokes: S.strokes }) === null) flash(t('tooBig'), 'error');
  }

  // ---- sending ------------------------------------------------------------------------
  function canSend() {
    var label = fixedDigit() !== null ? fixedDigit() : S.label;
    return !S.removed && !S.paused && S.pending === null && active === null &&
      S.strokes.length > 0 && label !== null;
  }
  function sendDrawing() {
    if (!canSend()) {
      if (!S.removed && !S.paused && !S.pending && S.strokes.length && S.label === null) {
        flash(t('pickLabel'), 'warn');
      }
      return;
    }
    S.pending = {
      id: makeId(22),
      label: fixedDigit() !== null ? fixedDigit() : S.label,
      strokes: S.strokes.map(function (s) { return s.slice(); })
    };
    save('pending', S.pending);
    S.flash = null;
    transmitPending();
    render();
  }
  function transmitPending() {
    clearTimeout(sendTimer);
    sendTimer = null;
    if (!S.pending || !S.joined) return;
    var ok = transmit({ t: 'send', id: S.pending.id, label: S.pending.label, strokes: S.pending.strokes });
    if (ok === null) { // cannot be sent at all: give it back to the pad
      S.pending = null;
      save('pending', null);
      flash(t('tooBig'), 'error');
      return;
    }
    if (ok) sendTimer = setTimeout(function () { if (S.pending) drop(); }, SEND_TIMEOUT_MS);
  }
  function unsent() { // the app did not keep it: the drawing is editable again
    clearTimeout(sendTimer);
    sendTimer = null;
    S.pending = null;
    save('pending', null);
  }

  // ---- what the app says --------------------------------------------------------------
  function handle(m) {
    switch (m.t) {
      case 'welcome': welcome(m); break;
      case 'reading': onReading(m); break;
      case 'received': onReceived(m); break;
      case 'round': onRound(validRound(m.round)); break;
      case 'paused': S.paused = !!m.paused; render(); break;
      case 'removed': removed(); break;
      case 'error': onError(m); break;
      default: break;
    }
  }

  function welcome(m) {
    var first = !S.joined;
    S.joined = true;
    S.conn = 'connected';
    everJoined = true;
    attempt = 0;
    S.failures = 0;
    clearTimeout(openTimer);
    if (typeof m.participant === 'string' && m.participant) {
      S.participant = m.participant;
      save('participant', m.participant);
    }
    if (typeof m.nickname === 'string') {
      nickSent = m.nickname;
      if (m.nickname && document.activeElement !== nickInput) nickInput.value = m.nickname;
    }
    if (typeof m.room === 'string') S.room = m.room.slice(0, 12);
    S.paused = !!m.paused;
    if (m.limits && typeof m.limits === 'object') {
      ['strokes', 'points', 'message_bytes', 'nickname'].forEach(function (k) {
        if (typeof m.limits[k] === 'number' && m.limits[k] > 0) S.limits[k] = m.limits[k];
      });
    }
    if (m.lang === 'en' || m.lang === 'ko') {
      save('lang', m.lang);
      if (!S.browserLang && S.lang !== m.lang) { S.lang = m.lang; translate(); }
    }
    onRound(validRound(m.round), true);
    if (first) {
      if (S.pending) transmitPending(); // the same id: the app keeps it once
      else if (S.strokes.length) { readDirty = true; flushRead(); }
    }
    render();
  }

  function onRound(round, quiet) {
    if (!round) return;
    var before = S.round;
    S.round = round;
    if (!S.pending) {
      if (fixedDigit() !== null) S.label = fixedDigit();
      else if (before.kind === 'digit' && round.kind !== 'digit') S.label = null;
    }
    if (before.id !== round.id || before.kind !== round.kind) {
      S.minSeq = S.seq + 1;
      S.lastReading = null;
      if (S.strokes.length && !quiet) scheduleRead();
    }
    render();
  }

  function onReading(m) {
    if (typeof m.seq !== 'number' || m.seq < S.minSeq || m.seq <= S.appliedSeq || m.seq > S.seq) return;
    if (!S.strokes.length || S.pending) return;
    S.appliedSeq = m.seq;
    var probabilities = validProbabilities(m.probabilities);
    if (m.hidden || !probabilities) {
      S.lastReading = { seq: m.seq, hidden: true, probabilities: null, digit: null };
    } else {
      S.lastReading = {
        seq: m.seq, hidden: false, probabilities: probabilities,
        digit: isDigit(m.digit) ? m.digit : argmax(probabilities)
      };
    }
    renderReading();
  }

  function onReceived(m) {
    if (!S.pending || m.id !== S.pending.id) return; // an answer to a drawing already done
    var probabilities = validProbabilities(m.probabilities);
    var label = isDigit(m.label) ? m.label : S.pending.label;
    unsent();
    S.sent += 1;
    save('sent', S.sent);
    S.result = {
      label: label,
      digit: isDigit(m.digit) ? m.digit : (probabilities ? argmax(probabilities) : null),
      probabilities: probabilities,
      duplicate: m.duplicate === true
    };
    S.strokes = [];
    S.label = fixedDigit();
    S.lastReading = null;
    S.minSeq = S.seq + 1;
    save('draft', null);
    redraw();
    flash(t('received'), 'ok');
    render();
  }

  function onError(m) {
    var code = typeof m.code === 'string' ? m.code.slice(0, 40) : '?';
    if (code === 'removed') { removed(); return; }
    var words = t('errors');
    var text = words[code] ||
      (S.lang === 'en' && typeof m.message === 'string' && m.message ? m.message.slice(0, 200) : t('errorOther')(code));
    if (S.pending && m.id === S.pending.id) {
      if (code === 'rate') { // the app kept nothing: try again in a moment, same id
        clearTimeout(sendTimer);
        sendTimer = setTimeout(transmitPending, RATE_RETRY_MS);
        return;
      }
      unsent();
      if (code === 'paused') S.paused = true;
      flash(text, 'error');
      render();
      return;
    }
    if (typeof m.seq === 'number') {
      if (code === 'rate' || code === 'empty') return; // the next reading will do
      if (m.seq < S.minSeq) return;
    }
    if (code === 'paused') S.paused = true;
    flash(text, 'error');
    render();
  }

  function removed() {
    if (S.removed) return;
    S.removed = true;
    S.conn = 'removed';
    clearTimeout(retryTimer);
    clearTimeout(readTimer);
    var sock = ws;
    lost();
    try { if (sock) sock.close(); } catch (e) { /* closed */ }
    $('finaltext').textContent = t('removed');
    $('final').hidden = false;
    render();
  }

  // ---- showing it ---------------------------------------------------------------------
  var flashTimer = null;
  function flash(text, kind) {
    S.flash = { text: text, kind: kind };
    clearTimeout(flashTimer);
    flashTimer = setTimeout(function () { S.flash = null; renderStatus(); }, FLASH_MS);
    renderStatus();
  }

  function translate() {
    document.documentElement.lang = S.lang;
    document.title = t('title');
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (el) {
      el.textContent = t(el.getAttribute('data-i18n'));
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n-placeholder]'), function (el) {
      el.setAttribute('placeholder', t(el.getAttribute('data-i18n-placeholder')));
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n-label]'), function (el) {
      el.setAttribute('aria-label', t(el.getAttribute('data-i18n-label')));
    });
    if (S.removed) $('finaltext').textContent = t('removed');
    render();
  }

  function showBars(probabilities, digit) {
    bars.forEach(function (bar, i) {
      var p = probabilities ? Math.max(0, Math.min(1, probabilities[i])) : 0;
      bar.querySelector('.pct').textContent = probabilities ? Math.round(p * 100) + '%' : '';
      bar.querySelector('.fill').style.height = (p * 100).toFixed(1) + '%';
      bar.classList.toggle('best', probabilities !== null && i === digit);
    });
    digitBox.textContent = digit === null || digit === undefined ? '' : String(digit);
  }

  function renderReading() {
    var hidden = false, text = '', kind = '';
    if (S.result) {
      showBars(S.result.probabilities, S.result.digit);
      if (S.result.digit !== null) {
        var match = S.result.digit === S.result.label;
        text = match ? t('readYou') : t('readAs')(S.result.digit);
        kind = match ? 'good' : 'bad';
      }
    } else if (!S.strokes.length) {
      showBars(null, null);
      hidden = concealed();
      text = hidden ? t('hintHidden') : t('hintDraw');
    } else if (concealed() || (S.lastReading && S.lastReading.hidden)) {
      showBars(null, null);
      digitBox.textContent = '?';
      hidden = true;
      text = t('hintHidden');
    } else if (S.lastReading) {
      showBars(S.lastReading.probabilities, S.lastReading.digit);
    } else {
      showBars(null, null);
      text = S.joined && !S.pending ? t('hintReading') : '';
    }
    reading.classList.toggle('concealed', hidden);
    note.textContent = text;
    note.className = 'note' + (kind ? ' ' + kind : '');
  }

  function renderStatus() {
    var text = '', kind = '';
    if (S.removed) { text = t('removed'); }
    else if (S.flash) { text = S.flash.text; kind = S.flash.kind; }
    else if (S.paused) { text = t('paused'); kind = 'warn'; }
    else if (S.pending) { text = S.joined ? t('sending') : t('queued'); kind = S.joined ? '' : 'warn'; }
    else if (!S.joined && S.failures >= 8) { text = t('unreachable'); kind = 'warn'; }
    else if (S.strokes.length && S.label === null && active === null && S.joined) { text = t('pickLabel'); }
    statusLine.textContent = text;
    statusLine.className = 'status' + (kind ? ' ' + kind : '');
  }

  function render() {
    var conn = $('conn');
    conn.setAttribute('data-state', S.conn);
    $('conntext').textContent = t(S.conn === 'removed' ? 'left' : S.conn);
    $('room').textContent = S.room || '----';

    var prompt = $('prompt'), fixed = fixedDigit();
    if (fixed !== null) prompt.textContent = t('promptDigit')(fixed);
    else if (S.round.kind === 'challenge') prompt.textContent = t('promptChallenge');
    else prompt.textContent = t('promptFree');
    prompt.className = 'prompt' + (fixed !== null ? ' round' : '');

    var locked = padLocked();
    pad.classList.toggle('locked', locked);
    labelsBox.classList.toggle('fixed', fixed !== null);
    labelButtons.forEach(function (b, i) {
      var on = fixed !== null ? i === fixed : S.label === i;
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
      b.disabled = locked || fixed !== null;
    });
    undoButton.disabled = locked || !S.strokes.length;
    clearButton.disabled = locked || !S.strokes.length;
    sendButton.disabled = !canSend();
    sendButton.textContent = S.pending ? t('sending') : t('send');
    nickInput.disabled = S.removed;
    app.classList.toggle('paused', S.paused);
    renderReading();
    renderStatus();
  }

  // ---- for tests (plain data, a copy) ---------------------------------------------------
  window.digitpadPage = {
    state: function () {
      return JSON.parse(JSON.stringify({
        connected: S.joined,
        conn: S.conn,
        participant: S.participant,
        room: S.room,
        lastReading: S.lastReading,
        pending: S.pending,
        sent: S.sent,
        round: S.round,
        paused: S.paused,
        removed: S.removed,
        lang: S.lang,
        label: S.label,
        strokes: S.strokes.length,
        points: pointCount(),
        result: S.result
      }));
    }
  };

  // ---- start ----------------------------------------------------------------------------
  if (S.label === null && fixedDigit() !== null) S.label = fixedDigit();
  translate();
  fitPad();
  if (typeof ResizeObserver === 'function') new ResizeObserver(function () { fitPad(); }).observe(padbox);
  window.addEventListener('resize', fitPad);
  window.addEventListener('orientationchange', function () { setTimeout(fitPad, 250); });
  connect();
})();
