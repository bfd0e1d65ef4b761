"""
numpy baseline for bench/drp.bench.ts: the same ISR and characterizeImage operations as
pipelines/drp/ (isr.ts, characterizeImage.ts, lib/*), written the way one would in numpy:
whole-array operations where they exist, Python loops over sources and flagged pixels where
they do not. scipy.ndimage.label does the connected components (numpy has none) and
scipy.special.erf the pixel-integrated PSF.

Usage: drp_numpy.py MANIFEST.json  ->  prints one JSON line:
  {"isrCpuS": ..., "charCpuS": ..., "sources": [...], "fwhmPx": [...]}
Frames are raw little-endian float32 files named in the manifest.
"""
import json
import math
import sys
import time

import numpy as np
from scipy import ndimage
from scipy.special import erf

BAD, SAT, CR, DETECTED, NO_DATA = 1, 2, 4, 8, 32


def mesh_background(img, ignore, binpx, statistic="clippedMean"):
    """Cell levels (sigma-clipped mean, or median) and their bilinear interpolation."""
    h, w = img.shape
    ny, nx = max(1, round(h / binpx)), max(1, round(w / binpx))
    ye = np.round(np.arange(ny + 1) * h / ny).astype(int)
    xe = np.round(np.arange(nx + 1) * w / nx).astype(int)
    levels = np.full((ny, nx), np.nan)
    data = np.where(ignore, np.nan, img)
    for j in range(ny):
        for i in range(nx):
            v = data[ye[j]:ye[j + 1], xe[i]:xe[i + 1]].ravel()
            v = v[~np.isnan(v)]
            if v.size < max(3, 0.1 * (ye[j + 1] - ye[j]) * (xe[i + 1] - xe[i])):
                continue
            if statistic == "median":
                levels[j, i] = np.median(v)
                continue
            q1, q3 = np.percentile(v, [25, 75], method="lower")
            center, sigma = np.median(v), 0.7413 * (q3 - q1)
            for _ in range(3):
                keep = v[np.abs(v - center) <= 3 * sigma] if sigma > 0 else v
                if keep.size == 0:
                    break
                center, sigma = keep.mean(), keep.std(ddof=1) if keep.size > 1 else 0.0
            levels[j, i] = center
    if np.isnan(levels).all():
        levels[:] = 0
    while np.isnan(levels).any():
        filled = levels.copy()
        for j, i in zip(*np.nonzero(np.isnan(levels))):
            nb = levels[max(0, j - 1):j + 2, max(0, i - 1):i + 2]
            if (~np.isnan(nb)).any():
                filled[j, i] = np.nanmean(nb)
        levels = filled
    cy = (ye[:-1] + ye[1:] - 1) / 2
    cx = (xe[:-1] + xe[1:] - 1) / 2
    rows = np.array([np.interp(np.arange(w), cx, levels[j]) for j in range(ny)])
    return np.array([np.interp(np.arange(h), cy, rows[:, i]) for i in range(w)]).T


def gaussian_kernel(sigma, radius):
    x = np.arange(-radius, radius + 1)
    k = np.exp(-0.5 * x * x / (sigma * sigma))
    return k / k.sum()


def convolve_sep(a, k):
    r = (len(k) - 1) // 2
    p = np.pad(a, ((0, 0), (r, r)))
    h = sum(k[i] * p[:, i:i + a.shape[1]] for i in range(len(k)))
    p = np.pad(h, ((r, r), (0, 0)))
    return sum(k[i] * p[i:i + a.shape[0], :] for i in range(len(k)))


def psf_ratios(sigma):
    s = 1 / (math.sqrt(2) * sigma)
    r = (math.erf(1.5 * s) - math.erf(0.5 * s)) / 2 / math.erf(0.5 * s)
    return r, r * r


def shifted(a, dy, dx, fill=0.0):
    out = np.full_like(a, fill)
    h, w = a.shape
    out[max(0, -dy):h - max(0, dy), max(0, -dx):w - max(0, dx)] = a[max(0, dy):h - max(0, -dy), max(0, dx):w - max(0, -dx)]
    return out


LINES = [((0, -1), (0, 1), 0), ((-1, 0), (1, 0), 0), ((-1, -1), (1, 1), 1), ((-1, 1), (1, -1), 1)]


def sharp_any(resid, var, core, ratios, c, exclude=None):
    out = np.zeros(resid.shape, bool)
    for (a, b, diag) in LINES:
        ra, rb = shifted(resid, *a, np.inf), shifted(resid, *b, np.inf)
        va, vb = shifted(var, *a), shifted(var, *b)
        ok = (core * ratios[diag]) > (ra + rb) / 2 + c * np.sqrt(va + vb) / 2
        if exclude is not None:
            ok &= ~shifted(exclude, *a, True) & ~shifted(exclude, *b, True)
        out |= ok
    return out


def find_cosmic_rays(resid, var, ignore, cfg):
    sig = np.sqrt(var)
    ratios = psf_ratios(cfg["crMinPsfSigmaPx"])
    c = cfg["crContrastSigma"]
    cr = (resid > cfg["crNSigma"] * sig) & ~ignore & sharp_any(resid, var, resid - c * sig, ratios, c)
    for _ in range(3):
        near = ndimage.binary_dilation(cr, structure=np.ones((3, 3), bool))
        cand = near & ~cr & ~ignore & (resid > cfg["crGrowNSigma"] * sig)
        add = cand & sharp_any(resid, var, resid - c * sig, ratios, c, exclude=cr)
        if not add.any():
            break
        cr |= add
    return cr


def interpolate_flagged(resid, var, flagged, reach=8):
    src, srcv = resid.copy(), var.copy()
    h, w = resid.shape
    for y, x in zip(*np.nonzero(flagged)):
        vals, vars_ = [], []
        for line, pos, size, get in ((src[y, :], x, w, 0), (src[:, x], y, h, 1)):
            f = flagged[y, :] if get == 0 else flagged[:, x]
            lo = next((d for d in range(1, reach + 1) if pos - d >= 0 and not f[pos - d]), None)
            hi = next((d for d in range(1, reach + 1) if pos + d < size and not f[pos + d]), None)
            lv = srcv[y, :] if get == 0 else srcv[:, x]
            if lo and hi:
                t = lo / (lo + hi)
                vals.append(line[pos - lo] * (1 - t) + line[pos + hi] * t)
                vars_.append(lv[pos - lo] * (1 - t) + lv[pos + hi] * t)
            elif lo or hi:
                j = pos - lo if lo else pos + hi
                vals.append(line[j])
                vars_.append(lv[j])
        resid[y, x] = np.mean(vals) if vals else 0.0
        if vars_:
            var[y, x] = np.mean(vars_)


def isr(raw, bias, flat, gain, rn, sat_adu, full_well, cfg):
    e = (raw - bias) * gain
    bad = ~(flat >= 0.1)
    img = np.where(bad, 0, e / np.where(bad, 1, flat))
    var = np.where(bad, np.inf, (np.maximum(e, 0) + rn * rn + gain * gain / 12) / np.where(bad, 1, flat) ** 2)
    mask = np.where(bad, BAD, 0) | np.where((raw >= sat_adu) | (e >= 0.995 * full_well), SAT, 0)
    ignore = (mask & (BAD | SAT)) != 0
    bg = mesh_background(img, ignore, 64)
    resid = img - bg
    cr = find_cosmic_rays(resid, var, ignore, cfg)
    if cr.any():
        interpolate_flagged(resid, var, cr)
        img = np.where(cr, resid + bg, img)
        mask |= np.where(cr, CR, 0)
    return img.astype(np.float32), var.astype(np.float32), mask


def detect(img, var, mask, sigma, cfg):
    valid = (mask & (BAD | NO_DATA)) == 0
    k = gaussian_kernel(sigma, max(1, math.ceil(2.5 * sigma)))
    s = convolve_sep(np.where(valid, img, 0), k)
    n2 = convolve_sep(np.where(valid, var, 0), k * k)
    snr = np.where(n2 > 0, s / np.sqrt(np.where(n2 > 0, n2, 1)), 0)
    labels, n = ndimage.label(snr > cfg["thresholdSigma"], structure=np.ones((3, 3), bool))
    area = np.bincount(labels.ravel(), minlength=n + 1)
    labels[area[labels] < cfg["minPixels"]] = 0
    is_peak = labels > 0
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dy == 0 and dx == 0:
                continue
            nb = shifted(s, dy, dx, -np.inf)
            # Ties go to the first pixel in raster order, as in detection.ts.
            is_peak &= (nb < s) | ((nb == s) & ((dy > 0) | ((dy == 0) & (dx > 0))))
    py, px = np.nonzero(is_peak)
    keep = []
    for lab in np.unique(labels[py, px]):
        idx = np.nonzero(labels[py, px] == lab)[0]
        idx = idx[np.lexsort((py[idx] * img.shape[1] + px[idx], -s[py[idx], px[idx]]))]
        mine = []
        for p in idx:
            need = s[py[p], px[p]] - cfg["peakMinSigma"] * math.sqrt(n2[py[p], px[p]])
            if all(segment_min(s, py[p], px[p], py[q], px[q]) <= need for q in mine):
                mine.append(p)
        keep += mine
    keep = sorted(keep, key=lambda p: (py[p], px[p]))
    return px[keep], py[keep], snr[py[keep], px[keep]], s[py[keep], px[keep]], labels


def segment_min(s, y0, x0, y1, x1):
    steps = max(1, math.ceil(2 * math.hypot(x1 - x0, y1 - y0)))
    t = np.arange(steps + 1) / steps
    return s[np.round(y0 + (y1 - y0) * t).astype(int), np.round(x0 + (x1 - x0) * t).astype(int)].min()


def centroid(img, x0, y0, sw):
    r = math.ceil(3 * sw)
    h, w = img.shape
    x, y = float(x0), float(y0)
    for _ in range(40):
        cx, cy = round(x), round(y)
        ys, xs = slice(max(0, cy - r), min(h, cy + r + 1)), slice(max(0, cx - r), min(w, cx + r + 1))
        dy = np.arange(ys.start, ys.stop) - y
        dx = np.arange(xs.start, xs.stop) - x
        wgt = np.exp(-dy[:, None] ** 2 / (2 * sw * sw)) * np.exp(-dx[None, :] ** 2 / (2 * sw * sw)) * img[ys, xs]
        tot = wgt.sum()
        if not tot > 0:
            return x0, y0, False
        sx, sy = 2 * (wgt * dx[None, :]).sum() / tot, 2 * (wgt * dy[:, None]).sum() / tot
        x, y = x + sx, y + sy
        if math.hypot(x - x0, y - y0) > 2:
            return x0, y0, False
        if abs(sx) < 1e-4 and abs(sy) < 1e-4:
            break
    return x, y, True


def moments_size(img, x, y, sw):
    r = math.ceil(3 * sw)
    h, w = img.shape
    cx, cy = round(x), round(y)
    ys, xs = slice(max(0, cy - r), min(h, cy + r + 1)), slice(max(0, cx - r), min(w, cx + r + 1))
    dy = (np.arange(ys.start, ys.stop) - y)[:, None]
    dx = (np.arange(xs.start, xs.stop) - x)[None, :]
    wgt = np.exp(-(dx * dx + dy * dy) / (2 * sw * sw)) * img[ys, xs]
    tot = wgt.sum()
    return ((wgt * dx * dx).sum() + (wgt * dy * dy).sum()) / tot if tot > 0 else np.nan


def pixel_integrals(first, n, sigma):
    e = erf((first - 0.5 + np.arange(n + 1)) / (math.sqrt(2) * sigma))
    return 0.5 * np.diff(e)


def psf_flux(img, var, x, y, psf, radius):
    s1, s2, f = psf
    cx, cy, r = round(x), round(y), math.ceil(radius)
    h, w = img.shape
    x0, y0 = max(0, cx - r), max(0, cy - r)
    x1, y1 = min(w, cx + r + 1), min(h, cy + r + 1)
    model = (1 - f) * np.outer(pixel_integrals(y0 - y, y1 - y0, s1), pixel_integrals(x0 - x, x1 - x0, s1))
    if f > 0:
        model += f * np.outer(pixel_integrals(y0 - y, y1 - y0, s2), pixel_integrals(x0 - x, x1 - x0, s2))
    den = (model * model).sum()
    return (model * img[y0:y1, x0:x1]).sum() / den, math.sqrt((model * model * var[y0:y1, x0:x1]).sum()) / den


def aperture(img, x, y, r):
    cx, cy, R = round(x), round(y), math.ceil(r)
    h, w = img.shape
    ys, xs = slice(max(0, cy - R), min(h, cy + R + 1)), slice(max(0, cx - R), min(w, cx + R + 1))
    dy = (np.arange(ys.start, ys.stop) - y)[:, None]
    dx = (np.arange(xs.start, xs.stop) - x)[None, :]
    inside = dx * dx + dy * dy <= r * r
    return img[ys, xs][inside].sum(), inside.sum()


def fit_psf(img, var, stars, radius):
    """Stacked radial profile (0.25 px bins, local annulus background), golden-section fit."""
    nb = math.ceil(radius / 0.25) + 1
    sw, swr2, swv = np.zeros(nb), np.zeros(nb), np.zeros(nb)
    r = math.ceil(radius)
    for x, y in stars:
        cx, cy = round(x), round(y)
        ro = math.ceil(radius + 8)
        if cx - ro < 0 or cy - ro < 0 or cx + ro >= img.shape[1] or cy + ro >= img.shape[0]:
            continue
        dy = (np.arange(cy - ro, cy + ro + 1) - y)[:, None]
        dx = (np.arange(cx - ro, cx + ro + 1) - x)[None, :]
        d2 = dx * dx + dy * dy
        stamp = img[cy - ro:cy + ro + 1, cx - ro:cx + ro + 1]
        ann = stamp[(d2 >= (radius + 2) ** 2) & (d2 <= (radius + 8) ** 2)]
        vann = var[cy - ro:cy + ro + 1, cx - ro:cx + ro + 1][(d2 >= (radius + 2) ** 2) & (d2 <= (radius + 8) ** 2)]
        ann = ann[np.abs(ann - np.median(ann)) <= 4 * math.sqrt(np.median(vann))]
        sky = ann.mean()
        inside = d2 <= radius * radius
        flux = (stamp[inside] - sky).sum()
        if not flux > 0:
            continue
        v = (stamp[inside] - sky) / flux
        wv = flux * flux / np.maximum(var[cy - ro:cy + ro + 1, cx - ro:cx + ro + 1][inside], 1e-12)
        b = np.floor(np.sqrt(d2[inside]) / 0.25).astype(int)
        sw += np.bincount(b, wv, nb)
        swr2 += np.bincount(b, wv * d2[inside], nb)
        swv += np.bincount(b, wv * v, nb)
    used = sw > 0
    r2, val, wt = swr2[used] / sw[used], swv[used] / sw[used], sw[used]

    def chi(s1, k):
        g1 = np.exp(-0.5 * r2 / (s1 * s1)) / (2 * math.pi * s1 * s1)
        g2 = np.exp(-0.5 * r2 / (s1 * s1 * k * k)) / (2 * math.pi * s1 * s1 * k * k)
        a = np.array([[np.sum(wt * g1 * g1), np.sum(wt * g1 * g2)], [np.sum(wt * g1 * g2), np.sum(wt * g2 * g2)]])
        rhs = np.array([np.sum(wt * g1 * val), np.sum(wt * g2 * val)])
        cands = [(max(0, rhs[0] / a[0, 0]), 0.0), (0.0, max(0, rhs[1] / a[1, 1]))]
        if np.linalg.det(a) > 1e-12 * a[0, 0] * a[1, 1]:
            sol = np.linalg.solve(a, rhs)
            if (sol >= 0).all():
                cands.append(tuple(sol))
        return min((np.sum(wt * (val - c1 * g1 - c2 * g2) ** 2), c1, c2) for c1, c2 in cands)

    peak = np.average(val[r2 < 0.5], weights=wt[r2 < 0.5]) if (r2 < 0.5).any() else val[0]
    below = np.nonzero(val < peak / 2)[0]
    rh = math.sqrt(r2[below[0]]) if below.size else math.sqrt(r2[-1])
    sh = rh / math.sqrt(2 * math.log(2))

    def golden(lo, hi, n, f):
        g = (math.sqrt(5) - 1) / 2
        a, b = lo, hi
        c, d = b - g * (b - a), a + g * (b - a)
        fc, fd = f(c), f(d)
        for _ in range(n):
            if fc < fd:
                b, d, fd = d, c, fc
                c = b - g * (b - a)
                fc = f(c)
            else:
                a, c, fc = c, d, fd
                d = a + g * (b - a)
                fd = f(d)
        return (a + b) / 2

    def at_k(k):
        ls = golden(math.log(0.6 * sh), math.log(1.3 * sh), 30, lambda t: chi(math.exp(t), k)[0])
        return (chi(math.exp(ls), k), math.exp(ls), k)

    best = min((at_k(1 + 0.05 * i) for i in range(61)), key=lambda b: b[0][0])
    kr = golden(max(1, best[2] - 0.05), best[2] + 0.05, 25, lambda k: at_k(k)[0][0])
    ref = at_k(kr)
    if ref[0][0] < best[0][0]:
        best = ref
    (_, a1, a2), s1, k = best
    s1c = math.sqrt(max(s1 * s1 - 1 / 12, 0.01))
    s2c = math.sqrt(max((s1 * k) ** 2 - 1 / 12, 0.01))
    return s1c, s2c, a2 / (a1 + a2) if a1 + a2 > 0 else 0.0


def fwhm_of(psf):
    s1, s2, f = psf
    prof = lambda r: (1 - f) / s1 ** 2 * math.exp(-0.5 * r * r / s1 ** 2) + f / s2 ** 2 * math.exp(-0.5 * r * r / s2 ** 2)
    lo, hi = 0.0, 10 * max(s1, s2)
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if prof(mid) > prof(0) / 2 else (lo, mid)
    return 2 * lo


def characterize(img, var, mask, cfg):
    ignore_bg = (mask & (BAD | NO_DATA | SAT)) != 0
    bg = mesh_background(img, ignore_bg, 64)
    data = img - bg
    sg = cfg["psfFwhmGuessPx"] / 2.3548
    px, py, snr, val, labels = detect(data, var, mask, sg, cfg)
    grown = ndimage.binary_dilation(labels > 0, structure=np.ones((2 * math.ceil(2 * sg) + 1,) * 2, bool))
    bg = mesh_background(img, ignore_bg | grown, 64)
    data = img - bg
    # Bright candidates: centroids, sizes, the star clump, isolation; then the PSF fit.
    cands = []
    for k in np.nonzero(snr >= cfg["psfMinSnr"])[0]:
        x, y, ok = centroid(data, px[k], py[k], sg)
        if ok:
            t = moments_size(data, x, y, sg)
            if np.isfinite(t) and t > 0:
                cands.append((k, x, y, t))
    med = np.median([c[3] for c in cands])
    half = med / 2
    sig = math.sqrt(sg * sg * half / (sg * sg - half)) if half < sg * sg else 2 * sg
    radius = min(30, max(8, math.ceil(3 * 2.3548 * sig)))
    h, w = data.shape
    stars = []
    for k, x, y, t in sorted(cands, key=lambda c: -val[c[0]]):
        if abs(t - med) >= 0.15 * med or not (radius <= x < w - radius - 1 and radius <= y < h - radius - 1):
            continue
        d = np.hypot(px - x, py - y)
        if ((d < radius + 8) & (val > 0.002 * val[k]) & (np.arange(px.size) != k)).any():
            continue
        stars.append((x, y))
    psf = fit_psf(data, var, stars[:cfg["psfMaxStars"]], radius)
    fwhm = fwhm_of(psf)
    sm = math.sqrt((1 - psf[2]) * psf[0] ** 2 + psf[2] * psf[1] ** 2)
    px, py, snr, val, labels = detect(data, var, mask, 0.6 * sm, cfg)
    rpsf = math.ceil(4.3 * max(psf[0], psf[1] if psf[2] > 0 else 0))
    rap = max(8, 2.5 * fwhm)
    rows = []
    for k in range(px.size):
        x, y, ok = centroid(data, px[k], py[k], sm)
        flux, err = psf_flux(data, var, x, y, psf, rpsf)
        ap, _ = aperture(data, x, y, rap)
        rows.append((x, y, flux, err, ap, moments_size(data, x, y, sm)))
    # Aperture correction from the PSF stars: annulus-subtracted aperture flux over PSF flux.
    ratios = []
    for x, y in stars:
        x, y, ok = centroid(data, round(x), round(y), sm)
        ap, n = aperture(data, x, y, rap)
        cx, cy, ro = round(x), round(y), math.ceil(rap + 8)
        if not ok or cx - ro < 0 or cy - ro < 0 or cx + ro >= w or cy + ro >= h:
            continue
        dy = (np.arange(cy - ro, cy + ro + 1) - y)[:, None]
        dx = (np.arange(cx - ro, cx + ro + 1) - x)[None, :]
        ring = data[cy - ro:cy + ro + 1, cx - ro:cx + ro + 1][((dx * dx + dy * dy) >= (rap + 2) ** 2) & ((dx * dx + dy * dy) <= (rap + 8) ** 2)]
        flux, _ = psf_flux(data, var, x, y, psf, rpsf)
        ratios.append((ap - n * ring.mean()) / flux)
    apcorr = float(np.median(ratios)) if len(ratios) >= cfg["psfMinStars"] else 1.0
    return len(rows), fwhm, apcorr


def main():
    manifest = json.load(open(sys.argv[1]))
    cfg = manifest["config"]
    isr_cpu = char_cpu = 0.0
    sources, fwhms = [], []
    for f in manifest["frames"]:
        shape = (f["height"], f["width"])
        raw = np.fromfile(f["raw"], "<f4").reshape(shape).astype(np.float64)
        bias = np.fromfile(f["bias"], "<f4").reshape(shape).astype(np.float64)
        flat = np.fromfile(f["flat"], "<f4").reshape(shape).astype(np.float64)
        t0 = time.process_time()
        img, var, mask = isr(raw, bias, flat, f["gain"], f["readNoise"], f["saturationAdu"], f["fullWellE"], cfg)
        t1 = time.process_time()
        n, fwhm, _ = characterize(img.astype(np.float64), var.astype(np.float64), mask, cfg)
        t2 = time.process_time()
        isr_cpu += t1 - t0
        char_cpu += t2 - t1
        sources.append(n)
        fwhms.append(fwhm)
    print(json.dumps({"isrCpuS": isr_cpu, "charCpuS": char_cpu, "sources": sources, "fwhmPx": fwhms}))


if __name__ == "__main__":
    main()
