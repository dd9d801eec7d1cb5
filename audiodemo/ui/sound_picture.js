// A picture that plays its sound (the `js_on_load` of `audiodemo/ui/sound_picture.py`).
// In scope: `element`, `props` (value: {image, axes, sounds}), `trigger`, `watch`.
// One player for the whole page (`window.audiodemoPlayer`): every picture that shows the
// sound now playing draws its playhead; a drag over a time axis selects a stretch; where the
// tab asks, a click on a frequency axis can ask for that frequency's harmonic series.
const player = window.audiodemoPlayer = window.audiodemoPlayer || (() => {
  const audio = new Audio();
  const state = {audio, file: null, end: Infinity, listeners: new Set()};
  const redraw = () => state.listeners.forEach((draw) => draw());
  const frame = () => {  // only while something plays: an idle page does no work
    if (!audio.paused && audio.currentTime >= state.end) audio.pause();
    redraw();
    if (!audio.paused) requestAnimationFrame(frame);
  };
  audio.addEventListener('play', () => requestAnimationFrame(frame));
  audio.addEventListener('pause', redraw);  // the heads go (an ended sound pauses too)
  state.play = (file, start, end) => {
    const url = new URL(`gradio_api/file=${file}`, document.baseURI).href;
    if (state.file !== file) { audio.src = url; state.file = file; }
    state.end = end;
    const go = () => { audio.currentTime = start; audio.play().catch(() => {}); };
    if (audio.readyState >= 1) go(); else audio.addEventListener('loadedmetadata', go, {once: true});
  };
  return state;
})();

let selection = null;  // [t0, t1] seconds, or null
let drag = null;
let harmonicsMode = false;  // a click names a frequency rather than playing from a time
const HINT = 'Drag across the picture to select a stretch.';

function value() { return props.value && typeof props.value === 'object' ? props.value : null; }
function span() {  // the seconds the picture shows
  const v = value();
  return v && v.axes.length ? [v.axes[0][4], v.axes[0][5]] : [0, Infinity];
}
function timeAt(box, x) { return box[4] + (x - box[0]) / (box[2] - box[0]) * (box[5] - box[4]); }
function fmt(t) { return `${t.toFixed(2)} s`; }

function build() {
  const root = element.querySelector('.sp');
  const v = value();
  if (!root) return;
  root.replaceChildren();
  selection = null;
  if (!v) return;
  const stage = document.createElement('div');
  stage.className = 'sp-stage';
  stage.dataset.axes = JSON.stringify(v.axes);  // where time runs, for tests and tools
  stage.dataset.freqs = JSON.stringify(v.freqs || []);  // and where frequency does
  const img = document.createElement('img');
  img.className = 'sp-image'; img.src = v.image; img.alt = 'a picture of the sound';
  img.draggable = false;
  stage.append(img);
  v.axes.forEach((box, k) => {
    const head = document.createElement('div'), sel = document.createElement('div');
    head.className = 'sp-head'; sel.className = 'sp-selection';
    for (const part of [head, sel]) {
      part.dataset.axis = k;
      part.style.top = `${100 * box[1]}%`; part.style.height = `${100 * (box[3] - box[1])}%`;
      part.hidden = true;
      stage.append(part);
    }
  });
  const bar = document.createElement('div');
  bar.className = 'sp-controls buttons';
  v.sounds.forEach(([label, file], k) => {
    const b = document.createElement('button');
    b.type = 'button'; b.className = 'sp-play'; b.dataset.sound = k;
    b.textContent = `▶ ${label}`;
    bar.append(b);
  });
  const extra = [['sp-stop', '■ Stop'], ['sp-play-selection', '▶ Play the selection']];
  if (root.dataset.zoom === 'yes') extra.push(['sp-zoom', 'Zoom in'], ['sp-whole', 'Whole sound']);
  if (root.dataset.harmonics === 'yes' && (v.freqs || []).length) {
    extra.push(['sp-harmonics', 'Click a frequency: its harmonics']);
  }
  for (const [cls, text] of extra) {
    const b = document.createElement('button');
    b.type = 'button'; b.className = cls; b.textContent = text;
    if (cls === 'sp-harmonics') b.setAttribute('aria-pressed', String(harmonicsMode));
    bar.append(b);
  }
  const readout = document.createElement('span');
  readout.className = 'sp-readout';
  readout.textContent = v.axes.length ? HINT : '';
  bar.append(readout);
  root.append(stage, bar);
  update();
}

function update() {  // the playhead, where this picture shows what plays
  const v = value();
  if (!v) return;
  const playing = v.sounds.some(([, file]) => file === player.file) && !player.audio.paused;
  const t = player.audio.currentTime;
  element.querySelectorAll('.sp-head').forEach((head) => {
    const box = v.axes[+head.dataset.axis];
    const inside = playing && t >= box[4] && t <= box[5];
    head.hidden = !inside;
    if (inside) head.style.left = `${100 * (box[0] + (t - box[4]) / (box[5] - box[4]) * (box[2] - box[0]))}%`;
  });
}

function showSelection() {  // the stretch selected, shaded on every time axis
  const v = value();
  if (!v) return;
  element.querySelectorAll('.sp-selection').forEach((sel) => {
    const box = v.axes[+sel.dataset.axis];
    sel.hidden = !selection;
    if (!selection) return;
    const x = (s) => box[0] + (Math.min(Math.max(s, box[4]), box[5]) - box[4]) / (box[5] - box[4]) * (box[2] - box[0]);
    sel.style.left = `${100 * x(selection[0])}%`;
    sel.style.width = `${100 * (x(selection[1]) - x(selection[0]))}%`;
  });
}

function under(event, boxes) {  // the box of `boxes` under the pointer, and where in it
  const img = element.querySelector('.sp-image');
  if (!img || !boxes) return null;
  const r = img.getBoundingClientRect();
  const x = (event.clientX - r.left) / r.width, y = (event.clientY - r.top) / r.height;
  const box = boxes.find((b) => x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3]);
  return box ? {box, x, y} : null;
}

function boxAt(event) {  // the time axis under the pointer, and where along it
  const v = value();
  return v ? under(event, v.axes) : null;
}

function hzAt(event) {  // the frequency under the pointer, on an axis in Hz, or null
  const v = value(), at = v ? under(event, v.freqs) : null;
  if (!at) return null;
  const {box, y} = at;
  const hz = box[4], row = (y - box[1]) / (box[3] - box[1]) * (hz.length - 1);
  const k = Math.min(Math.floor(row), hz.length - 2);
  return hz[k] + (row - k) * (hz[k + 1] - hz[k]);  // linear between the table's heights
}

function chosenSound() {  // the sound playing, if this picture shows it, else its first
  const v = value();
  const k = v.sounds.findIndex(([, file]) => file === player.file);
  return v.sounds[k >= 0 ? k : 0];
}

element.addEventListener('pointerdown', (event) => {
  const at = boxAt(event);
  if (!at) return;
  event.preventDefault();
  drag = {box: at.box, from: timeAt(at.box, at.x), moved: false, hz: hzAt(event)};
});
element.addEventListener('pointermove', (event) => {
  if (!drag) return;
  const r = element.querySelector('.sp-image').getBoundingClientRect();
  const x = Math.min(Math.max((event.clientX - r.left) / r.width, drag.box[0]), drag.box[2]);
  const to = timeAt(drag.box, x);
  drag.moved = drag.moved || Math.abs(to - drag.from) > 0.005 * (drag.box[5] - drag.box[4]);
  if (drag.moved) { selection = [Math.min(drag.from, to), Math.max(drag.from, to)]; showSelection(); }
  const readout = element.querySelector('.sp-readout');
  if (drag.moved && readout) readout.textContent = `Selected ${fmt(selection[0])} to ${fmt(selection[1])} (${fmt(selection[1] - selection[0])})`;
});
window.addEventListener('pointerup', () => {
  if (!drag) return;
  if (!drag.moved && harmonicsMode && drag.hz > 0) {  // a click: that frequency's harmonics
    harmonicsMode = false;  // once: the next click plays again
    const button = element.querySelector('.sp-harmonics');
    if (button) button.setAttribute('aria-pressed', 'false');
    const readout = element.querySelector('.sp-readout');
    if (readout) readout.textContent = `Harmonics of ${drag.hz.toFixed(1)} Hz`;
    trigger('select', {index: drag.hz, value: 'harmonics'});
  } else if (!drag.moved) {  // a click: play from there
    const [, file] = chosenSound();
    player.play(file, drag.from, span()[1]);
  }
  drag = null;
});
element.addEventListener('click', (event) => {
  const button = event.target.closest('button');
  const v = value();
  if (!button || !v) return;
  if (button.classList.contains('sp-play')) {
    const [, file] = v.sounds[+button.dataset.sound];
    player.play(file, span()[0], span()[1]);
  } else if (button.classList.contains('sp-stop')) {
    player.audio.pause();
  } else if (button.classList.contains('sp-play-selection')) {
    const [, file] = chosenSound();
    const [from, to] = selection || span();
    player.play(file, from, to);
  } else if (button.classList.contains('sp-zoom') && selection) {
    trigger('select', {index: selection, value: 'in'});
  } else if (button.classList.contains('sp-whole')) {
    trigger('select', {index: null, value: 'whole'});
  } else if (button.classList.contains('sp-harmonics')) {
    harmonicsMode = !harmonicsMode;
    button.setAttribute('aria-pressed', String(harmonicsMode));
    const readout = element.querySelector('.sp-readout');
    if (readout) readout.textContent = harmonicsMode ? 'Click a frequency for its harmonic series.' : HINT;
  }
});
player.listeners.add(update);
watch('value', build);
build();
