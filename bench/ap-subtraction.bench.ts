import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fitKernel, makeBasis, type Stamp } from '../pipelines/ap/lib/alardLupton.ts';
import { convolvePairFft } from '../pipelines/ap/lib/fft.ts';
import { report } from './lib.ts';

/**
 * Alard-Lupton subtraction throughput (pipelines/ap/lib/alardLupton.ts) in Mpx/s of science
 * image, against a numpy implementation of the same algorithm run on the same images in the same
 * run: the same basis (3 Gaussians, degrees 4, 2, 2, zero-sum normalised), the same stamps and
 * per-stamp normal equations with one clipping pass, the kernel applied by FFT convolution (size
 * the next power of two, only pixels h from the edges kept) to the template and (squared) to its
 * variance, and the difference. TypeScript packs the two real convolutions into one complex
 * transform (pipelines/ap/lib/fft.ts); numpy uses its real transforms (rfft2), its idiom for the
 * same thing. Medians of REPEATS runs after a
 * warm-up. Images: a 1024² synthetic star field, the template with a 1.4 px Gaussian PSF, the
 * science with 2.0 px, both with Gaussian noise (seeded LCG). If python3 or numpy is missing the
 * baseline is reported as skipped (the machine's Debian python3-numpy provides it).
 */

const SIZE = 1024;
const REPEATS = 3;
const SIGMAS = [0.7, 1.4, 2.8];
const DEGREES = [4, 2, 2];
const HALF = 10;
const STAMP_HALF = 8;

function makeImages() {
  let s = 20261206 >>> 0;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const gauss = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const n = SIZE * SIZE;
  const template = new Float32Array(n);
  const science = new Float32Array(n);
  const stars: { x: number; y: number; f: number }[] = [];
  for (let k = 0; k < 600; k++) stars.push({ x: 20 + uniform() * (SIZE - 40), y: 20 + uniform() * (SIZE - 40), f: 2000 * Math.exp(4 * uniform()) });
  for (const [img, sigma] of [
    [template, 1.4],
    [science, 2.0],
  ] as const) {
    for (const st of stars) {
      const r = Math.ceil(5 * sigma);
      for (let y = Math.floor(st.y) - r; y <= Math.floor(st.y) + r; y++) {
        for (let x = Math.floor(st.x) - r; x <= Math.floor(st.x) + r; x++) {
          img[y * SIZE + x]! += (st.f / (2 * Math.PI * sigma * sigma)) * Math.exp(-((x - st.x) ** 2 + (y - st.y) ** 2) / (2 * sigma * sigma));
        }
      }
    }
    for (let i = 0; i < n; i++) img[i]! += 10 * gauss();
  }
  const variance = new Float32Array(n).fill(200);
  const stamps: Stamp[] = [];
  for (const st of [...stars].sort((a, b) => b.f - a.f)) {
    const x = Math.round(st.x);
    const y = Math.round(st.y);
    const reach = STAMP_HALF + HALF;
    if (x < reach || y < reach || x >= SIZE - reach || y >= SIZE - reach) continue;
    if (stamps.some((o) => Math.abs(o.x - x) <= 2 * STAMP_HALF && Math.abs(o.y - y) <= 2 * STAMP_HALF)) continue;
    stamps.push({ x, y });
    if (stamps.length === 80) break;
  }
  return { template, science, variance, stamps };
}

function subtractJs(template: Float32Array, science: Float32Array, variance: Float32Array, stamps: Stamp[]) {
  const basis = makeBasis(SIGMAS, DEGREES, HALF);
  const sol = fitKernel({ reference: template, target: science, variance, width: SIZE, height: SIZE, stamps, stampHalf: STAMP_HALF, basis, clipSigma: 3, maxIterations: 1 }, 8);
  const n = SIZE * SIZE;
  const conv = new Float32Array(n);
  const convVar = new Float32Array(n);
  convolvePairFft(template, sol.kernel, variance, Float64Array.from(sol.kernel, (v) => v * v), SIZE, SIZE, HALF, conv, convVar);
  const diff = new Float32Array(n);
  const [b0, b1, b2] = sol.background;
  for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) diff[y * SIZE + x] = science[y * SIZE + x]! - conv[y * SIZE + x]! - (b0 + b1 * ((2 * x) / SIZE - 1) + b2 * ((2 * y) / SIZE - 1));
  return { sol, diff };
}

const NUMPY = String.raw`
import json, sys, time
import numpy as np
d = sys.argv[1]
meta = json.load(open(d + '/meta.json'))
N, H, SH = meta['size'], meta['half'], meta['stampHalf']
T = np.fromfile(d + '/template.f32', dtype=np.float32).reshape(N, N).astype(np.float64)
S = np.fromfile(d + '/science.f32', dtype=np.float32).reshape(N, N).astype(np.float64)
V = np.fromfile(d + '/variance.f32', dtype=np.float32).reshape(N, N).astype(np.float64)
stamps = meta['stamps']
def basis():
    t = np.arange(-H, H + 1)
    fx, fy = [], []
    for s, deg in zip(meta['sigmas'], meta['degrees']):
        g = np.exp(-0.5 * t * t / (s * s)); g /= g.sum()
        for i in range(deg + 1):
            for j in range(deg + 1 - i):
                fx.append(g * (t / H) ** i); fy.append(g * (t / H) ** j)
    imgs = [np.outer(b, a) for a, b in zip(fx, fy)]
    sums = [0.0] + [im.sum() for im in imgs[1:]]
    imgs = [imgs[0]] + [im - s * imgs[0] for im, s in zip(imgs[1:], sums[1:])]
    return fx, fy, sums, imgs
def sep_conv(region, fx, fy, m):
    # region is (m + 2H)^2; out(x) = sum_u f(u) in(x - u)
    k = 2 * H + 1
    rows = sum(fx[t] * region[:, 2 * H - t: 2 * H - t + m] for t in range(k))
    return sum(fy[t] * rows[2 * H - t: 2 * H - t + m, :] for t in range(k))
def subtract():
    fx, fy, sums, imgs = basis()
    m = 2 * SH + 1
    systems = []
    for st in stamps:
        x, y = st['x'], st['y']
        region = T[y - SH - H: y + SH + H + 1, x - SH - H: x + SH + H + 1]
        cols = [sep_conv(region, a, b, m) for a, b in zip(fx, fy)]
        cols = [cols[0]] + [c - s * cols[0] for c, s in zip(cols[1:], sums[1:])]
        yy, xx = np.mgrid[y - SH: y + SH + 1, x - SH: x + SH + 1]
        cols += [np.ones((m, m)), 2 * xx / N - 1, 2 * yy / N - 1]
        A = np.stack([c.ravel() for c in cols], axis=1)
        w = 1 / V[y - SH: y + SH + 1, x - SH: x + SH + 1].ravel()
        systems.append((A, S[y - SH: y + SH + 1, x - SH: x + SH + 1].ravel(), w))
    used = np.ones(len(systems), bool)
    for it in range(2):
        ata = sum(A.T @ (A * w[:, None]) for (A, b, w), u in zip(systems, used) if u)
        atb = sum(A.T @ (b * w) for (A, b, w), u in zip(systems, used) if u)
        sol = np.linalg.solve(ata, atb)
        chi2 = np.array([np.mean((b - A @ sol) ** 2 * w) for A, b, w in systems])
        if it == 1: break
        v = np.sort(chi2[used]); med = v[len(v) // 2]
        mad = 1.4826 * np.sort(np.abs(v - med))[len(v) // 2]
        used = used & (chi2 <= med + 3 * max(mad, 0.05 * med))
    nb = len(imgs)
    K = sum(a * im for a, im in zip(sol[:nb], imgs))
    def conv2d(src, k):
        # FFT convolution of the next power-of-two size; pixels h from every edge never wrap.
        n = 1 << (N - 1).bit_length()
        kp = np.zeros((n, n))
        kp[:2 * H + 1, :2 * H + 1] = k
        kp = np.roll(kp, (-H, -H), axis=(0, 1))
        full = np.fft.irfft2(np.fft.rfft2(src, s=(n, n)) * np.fft.rfft2(kp), s=(n, n))
        out = np.zeros_like(src)
        out[H: N - H, H: N - H] = full[H: N - H, H: N - H]
        return out
    C = conv2d(T, K)
    CV = conv2d(V, K * K)
    yy, xx = np.mgrid[0:N, 0:N]
    D = S - C - (sol[nb] + sol[nb + 1] * (2 * xx / N - 1) + sol[nb + 2] * (2 * yy / N - 1))
    return K, D
subtract()
times = []
for r in range(meta['repeats']):
    t0 = time.perf_counter(); K, D = subtract(); times.append(time.perf_counter() - t0)
print(json.dumps({'seconds': sorted(times)[len(times) // 2], 'kernelSum': float(K.sum()), 'diffCentre': float(D[N // 2, N // 2])}))
`;

const { template, science, variance, stamps } = makeImages();
subtractJs(template, science, variance, stamps);
const times: number[] = [];
let last: ReturnType<typeof subtractJs> | undefined;
for (let r = 0; r < REPEATS; r++) {
  const t0 = performance.now();
  last = subtractJs(template, science, variance, stamps);
  times.push(performance.now() - t0);
}
const jsS = times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)]! / 1000;
const mpx = (SIZE * SIZE) / 1e6;
report('ap-subtraction', `Alard-Lupton ${SIZE}² (TypeScript)`, mpx / jsS, 'Mpx/s', `${(jsS * 1000).toFixed(0)} ms, ${stamps.length} stamps, kernel ${2 * HALF + 1}², sum ${last!.sol.kernelSum.toFixed(4)}`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-ap-bench-'));
try {
  fs.writeFileSync(path.join(dir, 'template.f32'), Buffer.from(template.buffer));
  fs.writeFileSync(path.join(dir, 'science.f32'), Buffer.from(science.buffer));
  fs.writeFileSync(path.join(dir, 'variance.f32'), Buffer.from(variance.buffer));
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ size: SIZE, half: HALF, stampHalf: STAMP_HALF, sigmas: SIGMAS, degrees: DEGREES, stamps, repeats: REPEATS }));
  fs.writeFileSync(path.join(dir, 'al.py'), NUMPY);
  const r = spawnSync('python3', [path.join(dir, 'al.py'), dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`bench ap-subtraction | numpy baseline skipped: ${(r.error?.message ?? r.stderr).trim().split('\n').pop()}`);
  } else {
    const py = JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number; kernelSum: number; diffCentre: number };
    report('ap-subtraction', `Alard-Lupton ${SIZE}² (numpy baseline)`, mpx / py.seconds, 'Mpx/s', `${(py.seconds * 1000).toFixed(0)} ms, kernel sum ${py.kernelSum.toFixed(4)}`);
    report('ap-subtraction', 'TypeScript / numpy speed', py.seconds / jsS, 'x');
    const centre = (SIZE / 2) * SIZE + SIZE / 2;
    if (Math.abs(py.kernelSum - last!.sol.kernelSum) > 1e-6 || Math.abs(py.diffCentre - last!.diff[centre]!) > 1e-2) {
      console.log(`bench ap-subtraction | WARNING: the two implementations disagree (kernel sum ${py.kernelSum} vs ${last!.sol.kernelSum})`);
      process.exitCode = 1;
    }
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
