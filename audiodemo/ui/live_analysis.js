// The live spectrogram's analysis (joined before `live.js` into the `js_on_load` of
// `audiodemo/ui/live_view.py`): an in-place radix-2 FFT, the plan's rows and colours, YIN's
// pitch (de Cheveigné and Kawahara 2002) and its note name. Each function gets what it
// reads; none keeps state.
function fftTables(n) {
  const rev = new Uint32Array(n), bits = Math.log2(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  const cos = new Float64Array(n / 2), sin = new Float64Array(n / 2);
  for (let i = 0; i < n / 2; i++) { cos[i] = Math.cos(2 * Math.PI * i / n); sin[i] = -Math.sin(2 * Math.PI * i / n); }
  return {n, rev, cos, sin, re: new Float64Array(n), im: new Float64Array(n)};
}

function magnitudes(frame, fft, w) {  // |FFT| of the frame windowed by w, bins 0..n/2
  const {n, rev, cos, sin, re, im} = fft;
  for (let i = 0; i < n; i++) { re[rev[i]] = frame[i] * w[i]; im[rev[i]] = 0; }
  for (let size = 2; size <= n; size *= 2) {
    const half = size / 2, step = n / size;
    for (let s = 0; s < n; s += size) {
      for (let j = 0; j < half; j++) {
        const a = s + j, b = a + half, c = cos[j * step], d = sin[j * step];
        const tr = re[b] * c - im[b] * d, ti = re[b] * d + im[b] * c;
        re[b] = re[a] - tr; im[b] = im[a] - ti; re[a] += tr; im[a] += ti;
      }
    }
  }
  const mag = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) mag[k] = Math.hypot(re[k], im[k]);
  return mag;
}

function rowValues(mag, p) {  // the plan's rows (mel, log, ...) of the magnitudes
  let values = mag;
  if (p.rows) {
    values = new Float64Array(p.n_rows);
    p.rows.forEach((row, r) => {
      let sum = 0;
      for (let j = 1; j < row.length; j++) {
        const m = mag[row[0] + j - 1];
        sum += row[j] * (p.power_rows ? m * m : m);
      }
      values[r] = p.power_rows ? Math.sqrt(sum) : sum;
    });
  }
  return values;
}

function colours(values, p, peak) {  // rows as colour indices 0..255 (peak: linear scale top)
  const out = new Uint8ClampedArray(values.length);
  const top = Math.max(...values);
  for (let r = 0; r < values.length; r++) {
    let x;
    if (p.per_frame_max) x = values[r] * values[r] / Math.max(top * top, 1e-20);
    else if (p.in_db) x = (20 * Math.log10(Math.max(values[r] / p.full_scale, 1e-12)) + p.db_range) / p.db_range;
    else x = values[r] / peak;
    out[r] = Math.round(255 * Math.min(1, Math.max(0, x)));
  }
  return out;
}

function yin(x, rate, [fmin, fmax]) {  // the fundamental of x in Hz in that range, or NaN
  // where it is not periodic
  const maxLag = Math.min(Math.floor(rate / fmin), Math.floor(x.length / 2));
  const minLag = Math.max(2, Math.floor(rate / fmax)), width = x.length - maxLag;
  let energy = 0;
  for (let i = 0; i < x.length; i++) energy += x[i] * x[i];
  if (20 * Math.log10(Math.sqrt(energy / x.length) + 1e-12) < -55) return NaN;  // silence
  const d = new Float64Array(maxLag + 1);
  let running = 0;
  for (let lag = 1; lag <= maxLag; lag++) {
    let sum = 0;
    for (let i = 0; i < width; i++) { const e = x[i] - x[i + lag]; sum += e * e; }
    running += sum;
    d[lag] = running > 0 ? sum * lag / running : 1;  // cumulative mean normalised
  }
  for (let lag = minLag; lag < maxLag; lag++) {
    if (d[lag] < 0.15 && d[lag] <= d[lag + 1]) {
      const a = d[lag - 1], b = d[lag], c = d[lag + 1];  // parabolic refinement
      const shift = (a - c) / (2 * (a - 2 * b + c) || 1);
      return rate / (lag + shift);
    }
  }
  return NaN;
}

function noteName(hz, names) {  // "A4 · 440 Hz (+0 cents)", the 12 names from C
  const midi = 69 + 12 * Math.log2(hz / 440), near = Math.round(midi);
  const cents = Math.round(100 * (midi - near));
  const name = names[((near % 12) + 12) % 12] + (Math.floor(near / 12) - 1);
  return `${name} · ${hz.toFixed(hz < 100 ? 1 : 0)} Hz (${cents >= 0 ? '+' : ''}${cents} cents)`;
}

function rowOf(hz, f) {  // the row nearest a frequency, of rows at frequencies f
  let best = 0;
  for (let r = 1; r < f.length; r++) if (Math.abs(f[r] - hz) < Math.abs(f[best] - hz)) best = r;
  return best;
}
