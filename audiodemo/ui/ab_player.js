// An A/B switch that keeps its place (the `js_on_load` of `audiodemo/ui/ab_player.py`).
// In scope: `element`, `props` (value: {sounds: [[label, file], [label, file]]}), `watch`.
// Both sounds play together and in step; only the chosen side is heard.
let side = 0;  // 0: A, 1: B
let audios = [];

function value() { return props.value && typeof props.value === 'object' ? props.value : null; }
function url(file) { return new URL(`gradio_api/file=${file}`, document.baseURI).href; }
function heard() { return audios[side]; }

function show() {
  element.querySelectorAll('.ab-side').forEach((b) => b.setAttribute('aria-pressed', String(+b.dataset.side === side)));
  audios.forEach((a, k) => { a.muted = k !== side; });
  const time = element.querySelector('.ab-time');
  if (time && heard()) time.textContent = `${heard().currentTime.toFixed(2)} s`;
}

function tick() {  // the time shown, and the silent side kept in step, while they play
  const a = heard();
  if (!a || a.paused) return;
  const other = audios[1 - side];
  if (Math.abs(other.currentTime - a.currentTime) > 0.05) other.currentTime = a.currentTime;
  show();
  requestAnimationFrame(tick);
}

function build() {
  const root = element.querySelector('.ab');
  audios.forEach((a) => a.pause());
  audios = [];
  if (!root) return;
  root.replaceChildren();
  const v = value();
  if (!v || !v.sounds || v.sounds.length !== 2) return;
  audios = v.sounds.map(([, file]) => {
    const a = new Audio(url(file));
    a.preload = 'auto';
    a.className = 'ab-audio';
    a.addEventListener('ended', show);
    a.addEventListener('play', () => requestAnimationFrame(tick));
    return a;
  });
  const bar = document.createElement('div'), sides = document.createElement('div');
  bar.className = 'buttons'; sides.className = 'buttons ab-sides';
  const add = (row, cls, text, data) => {
    const b = document.createElement('button');
    b.type = 'button'; b.className = cls; b.textContent = text;
    if (data !== undefined) b.dataset.side = data;
    row.append(b);
  };
  v.sounds.forEach(([label], k) => add(sides, 'ab-side', label, k));  // the switch, then
  add(bar, 'ab-play', '▶ Play');  // the player
  add(bar, 'ab-stop', '■ Stop');
  const time = document.createElement('span');
  time.className = 'ab-time';
  bar.append(time);
  root.append(sides, bar, ...audios);
  show();
}

element.addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (!button || audios.length !== 2) return;
  if (button.classList.contains('ab-play')) {
    if (window.audiodemoPlayer) window.audiodemoPlayer.audio.pause();  // the pictures' player
    const t = heard().ended ? 0 : heard().currentTime;
    audios.forEach((a) => { a.currentTime = t; a.play().catch(() => {}); });
  } else if (button.classList.contains('ab-stop')) {
    audios.forEach((a) => a.pause());
  } else if (button.classList.contains('ab-side')) {
    const t = heard().currentTime;
    side = +button.dataset.side;
    if (Math.abs(heard().currentTime - t) > 0.05) heard().currentTime = t;
  }
  show();
});
watch('value', build);
build();
