// The live spectrogram (the `js_on_load` of `audiodemo/ui/live_view.py`, after
// `live_analysis.js`, whose functions it calls).
// In scope: `element` (the component), `props` (its value: the tab's settings as JSON),
// `server.plan(settings)` (audiodemo.live.plan_json: window, rows, colours) and `watch`.
// Samples reach an AudioWorklet tap, frames of n_fft are cut every hop, each frame's FFT
// becomes one column of the picture; the note is YIN's (de Cheveigné and Kawahara 2002)
// on the newest samples. `window.audiodemoLive` is the running state, for tests and the
// curious: its `columns` record when each column's sound reached the page and was painted.
const canvas = element.querySelector('canvas.live-canvas');
const paint = canvas.getContext('2d');
const axis = element.querySelector('.live-axis');
const noteOut = element.querySelector('.live-note');
const statsOut = element.querySelector('.live-stats');
const measuredOut = element.querySelector('.live-measured');
const WIDTH = canvas.width;
const TAP = `class Tap extends AudioWorkletProcessor {
  constructor() { super(); this.block = new Float32Array(256); this.n = 0; }
  process(inputs) {
    const ch = inputs[0] && inputs[0][0];
    if (!ch) return true;
    for (let i = 0; i < ch.length; i++) {
      this.block[this.n++] = ch[i];
      if (this.n === this.block.length) {
        this.port.postMessage({samples: this.block, end: currentFrame + i + 1});
        this.block = new Float32Array(256); this.n = 0;
      }
    }
    return true;
  }
}
registerProcessor('audiodemo-tap', Tap);`;

const live = window.audiodemoLive = {
  ctx: null, input: null, plan: null, source: null, stream: null, media: null,
  columns: [], latencyMs: NaN, trackLatencyMs: NaN, fps: 0, note: '', hz: NaN,
  kind: '', error: '', planFailures: 0,
};
let samples = new Float32Array(0), first = 0;  // samples[0] is context frame `first`
let next = 0;  // the context frame where the next analysis frame starts
let arrivals = [];  // [last frame of a block, performance.now() when it arrived]
let queued = [], drawnLast = [], frames = [], fft = null, peak = 1e-9;
let pitchAt = -Infinity, column0 = 0;
const PITCH_EVERY_MS = 50;
const MIN_FRAME_MS = 30;  // at most ~30 pictures a second: smooth, and half a 60 Hz screen's work
let drawnAt = -Infinity;
const KEPT = 3000;  // columns remembered (for `measure`): 10 s at a hop of 16 ms
const PLAN_RETRIES_MS = [0, 250, 1000];  // a plan is asked for at most three times, this far apart
let run = 0;  // which start() the drawing loop belongs to: a restart ends the old loop
let planRun = 0;  // which replan() may still set the plan: a newer one ends the old one

function take(data) {  // a block from the tap: cut every frame it completes
  if (!live.ctx) return;  // stopped: a block still on its way
  const start = data.end - data.samples.length;
  if (samples.length === 0) { first = start; next = start; }
  const joined = new Float32Array(samples.length + data.samples.length);
  joined.set(samples); joined.set(data.samples, samples.length);
  samples = joined;
  const now = performance.now();
  arrivals.push([data.end, now]);
  if (!live.plan || !fft) {  // no plan yet: keep the newest second only
    const excess = samples.length - live.ctx.sampleRate;
    if (excess > 0) { samples = samples.slice(excess); first += excess; next = first; }
    return;
  }
  const n = live.plan.n_fft, hop = live.plan.hop;
  while (next + n <= first + samples.length) {
    const frame = samples.subarray(next - first, next - first + n);
    const end = next + n, arrived = (arrivals.find(([e]) => e >= end) || [0, now])[1];
    // when the frame's middle reached the page: half a frame before its end arrived
    const values = rowValues(magnitudes(frame, fft, live.plan.taper), live.plan);
    peak = Math.max(peak * 0.999, Math.max(...values));
    queued.push({values: colours(values, live.plan, peak),
                 reached: arrived - (n / 2) / live.ctx.sampleRate * 1000});
    next += hop;
  }
  const keep = Math.max(n, Math.ceil(live.ctx.sampleRate / live.plan.pitch_range[0]) * 2);
  const drop = Math.min(next - first, samples.length - keep);
  if (drop > 0) { samples = samples.slice(drop); first += drop; }
  arrivals = arrivals.filter(([e]) => e >= first);
}

function draw(time, mine) {
  if (!live.ctx || mine !== run) return;
  for (const c of drawnLast) { c.painted = time; live.columns.push(c); }  // on screen now
  if (live.columns.length > KEPT) live.columns.splice(0, live.columns.length - KEPT);
  drawnLast = [];
  if (time - drawnAt < MIN_FRAME_MS) { requestAnimationFrame((t) => draw(t, mine)); return; }
  drawnAt = time;
  const p = live.plan;
  if (p && queued.length) {
    const fresh = queued.splice(0, queued.length).slice(-WIDTH);
    const k = fresh.length, h = canvas.height;
    paint.drawImage(canvas, -k, 0);
    const image = paint.createImageData(k, h);
    if (time - pitchAt >= PITCH_EVERY_MS) {  // the note, 20 times a second
      pitchAt = time;
      const span = 2 * Math.ceil(live.ctx.sampleRate / p.pitch_range[0]);
      live.hz = yin(samples.subarray(Math.max(0, samples.length - span)), live.ctx.sampleRate,
                  p.pitch_range);
    }
    const mark = isFinite(live.hz) && p.scale !== 'chroma' ? h - 1 - rowOf(live.hz, p.freqs) : -1;
    fresh.forEach((c, x) => {
      for (let r = 0; r < h; r++) {
        const i = 4 * ((h - 1 - r) * k + x), v = c.values[r] * 3;
        image.data[i] = p.lut[v]; image.data[i + 1] = p.lut[v + 1]; image.data[i + 2] = p.lut[v + 2];
        image.data[i + 3] = 255;
      }
      if (mark >= 0 && (column0 + x) % 4 < 2) {  // the pitch, dashed, over its row
        const i = 4 * (mark * k + x);
        image.data[i] = 0; image.data[i + 1] = 255; image.data[i + 2] = 255;
      }
    });
    paint.putImageData(image, WIDTH - k, 0);
    column0 += k;
    drawnLast = fresh;
    frames.push(time);
    live.note = isFinite(live.hz) ? noteName(live.hz, p.note_names) : '';
    noteOut.textContent = live.note || '—';
  }
  frames = frames.filter((t) => t > time - 1000);
  live.fps = frames.length;
  const recentCols = live.columns.slice(-50);
  if (recentCols.length) {
    const lat = recentCols.map((c) => c.painted - c.reached).sort((a, b) => a - b);
    live.latencyMs = lat[Math.floor(lat.length / 2)];
    const track = isFinite(live.trackLatencyMs) ? ` (+ ${live.trackLatencyMs.toFixed(0)} ms the device reports)` : '';
    statsOut.textContent = `${live.fps} pictures a second · about ${live.latencyMs.toFixed(0)} ms from sound to screen${track}`;
  }
  requestAnimationFrame((t) => draw(t, mine));
}

function drawAxis() {
  const p = live.plan;
  canvas.height = p.n_rows;
  paint.fillStyle = 'black'; paint.fillRect(0, 0, WIDTH, canvas.height);
  let last = -Infinity;  // ticks closer than 7 % of the height would overlap: every other
  const ticks = p.ticks.filter(([row]) => {
    if ((row - last) / p.n_rows < 0.07) return false;
    last = row; return true;
  });
  axis.replaceChildren(...ticks.map(([row, label]) => {
    const tick = document.createElement('span');
    tick.textContent = label;
    tick.style.bottom = `${100 * (row + 0.5) / p.n_rows}%`;
    return tick;
  }));
}

async function replan() {
  if (!live.ctx) return;
  const settings = JSON.parse(props.value || '{}');
  settings.sample_rate = live.ctx.sampleRate;
  const mine = ++planRun;
  let err = null;
  for (const wait of PLAN_RETRIES_MS) {  // a request lost on a busy server is asked again
    if (wait) await new Promise((done) => setTimeout(done, wait));
    if (mine !== planRun || !live.ctx) return;
    try {
      const plan = JSON.parse(await server.plan(settings));
      if (mine !== planRun) return;
      live.plan = plan;
      err = null;
      break;
    } catch (failed) {
      err = failed;
      live.planFailures += 1;
    }
  }
  if (mine !== planRun) return;
  if (err) {
    live.error = String(err); statsOut.textContent = `The live view cannot use these settings: ${err}`;
    return;
  }
  fft = fftTables(live.plan.n_fft);
  samples = new Float32Array(0); queued = []; peak = 1e-9;
  drawAxis();
}

function stop() {
  if (live.stream) live.stream.getTracks().forEach((t) => t.stop());
  if (live.media) live.media.pause();
  if (live.ctx) live.ctx.close();
  Object.assign(live, {ctx: null, input: null, stream: null, media: null, source: null, kind: ''});
  samples = new Float32Array(0); queued = []; drawnLast = []; arrivals = [];
  noteOut.textContent = '—';
}

async function start(kind) {
  stop();
  live.error = '';
  const settings = JSON.parse(props.value || '{}');
  if (kind === 'file' && !settings.sound) { statsOut.textContent = 'Pick or upload a sound above first.'; return; }
  try {
    const ctx = new AudioContext({latencyHint: 'interactive'});
    await ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([TAP], {type: 'text/javascript'})));
    const input = ctx.createGain(), tap = new AudioWorkletNode(ctx, 'audiodemo-tap');
    const mute = ctx.createGain();
    mute.gain.value = 0;
    input.connect(tap); tap.connect(mute); mute.connect(ctx.destination);  // pulled, unheard
    tap.port.onmessage = (event) => take(event.data);
    Object.assign(live, {ctx, input, kind, columns: []});
    await replan();
    if (kind === 'mic') {
      live.stream = await navigator.mediaDevices.getUserMedia(
        {audio: {echoCancellation: false, noiseSuppression: false, autoGainControl: false}});
      live.source = ctx.createMediaStreamSource(live.stream);
      const reported = live.stream.getAudioTracks()[0].getSettings().latency;
      live.trackLatencyMs = reported === undefined ? NaN : 1000 * reported;
    } else {
      live.media = new Audio(new URL(`gradio_api/file=${settings.sound}`, document.baseURI).href);
      live.source = ctx.createMediaElementSource(live.media);
      live.source.connect(ctx.destination);  // heard, too
      live.media.addEventListener('ended', () => { statsOut.textContent += ' · the sound ended'; });
      await live.media.play();
    }
    live.source.connect(input);
    await ctx.resume();
    const mine = ++run;
    requestAnimationFrame((t) => draw(t, mine));
  } catch (err) {
    stop();
    live.error = String(err);
    statsOut.textContent = kind === 'mic'
      ? `No microphone: ${err.message || err} (a browser allows it only on https or localhost).`
      : `The sound cannot play: ${err.message || err}`;
  }
}

async function measure() {
  // Five 2 kHz beeps, 0.1 s each, into the picture (not the speakers) at known times of the
  // audio clock; the delay of each is from its start to the first column painted with it.
  if (!live.ctx || !live.plan) { measuredOut.textContent = 'Start listening first.'; return null; }
  const ctx = live.ctx, p = live.plan, hz = Math.min(2000, 0.4 * ctx.sampleRate);
  const row = p.scale === 'chroma' ? Math.round(69 + 12 * Math.log2(hz / 440)) % 12 : rowOf(hz, p.freqs);
  const gain = ctx.createGain(), beep = ctx.createOscillator();
  gain.gain.value = 0;
  beep.frequency.value = hz;
  beep.connect(gain); gain.connect(live.input); beep.start();
  const baseline = live.columns.slice(-20).map((c) => c.values[row]).sort((a, b) => a - b)[10] || 0;
  const onsets = [], now = performance.now(), clock = ctx.currentTime;
  for (let i = 0; i < 5; i++) {
    const at = clock + 0.3 + 0.4 * i;
    gain.gain.setValueAtTime(0.5, at); gain.gain.setValueAtTime(0, at + 0.1);
    onsets.push(now + 1000 * (at - clock));
  }
  measuredOut.textContent = 'Measuring: five short beeps into the picture...';
  await new Promise((done) => setTimeout(done, 2600));
  beep.stop(); beep.disconnect();
  const delays = onsets.map((onset) => {
    const seen = live.columns.find((c) => c.painted > onset && c.values[row] > baseline + 40);
    return seen ? seen.painted - onset : NaN;
  });
  const found = delays.filter(isFinite).sort((a, b) => a - b);
  live.measured = {delays, median: found[Math.floor(found.length / 2)], max: found[found.length - 1],
                   row, frequency: hz};
  measuredOut.textContent = found.length
    ? `Measured: ${found.length} of 5 beeps seen, ${live.measured.median.toFixed(0)} ms (median; at most ${live.measured.max.toFixed(0)} ms) from a sound entering the page to its column on screen.`
    : 'Measured: no beep was seen (is the picture drawing?).';
  return live.measured;
}
live.measure = measure;

element.querySelector('button.live-measure').addEventListener('click', measure);
element.querySelector('button.live-mic').addEventListener('click', () => start('mic'));
element.querySelector('button.live-file').addEventListener('click', () => start('file'));
element.querySelector('button.live-stop').addEventListener('click', stop);
watch('value', replan);
