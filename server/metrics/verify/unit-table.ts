/**
 * Named units, as astropy (which lsst.verify uses for every unit string) defines them.
 *
 * Each unit is either a base dimension or a scale times an expression of earlier units, in the
 * order astropy defines them, so decomposed scales come out bit-identical to astropy's
 * (`arcsec` = 1/60 × (1/60 × π/180) rad). Constants are astropy 8's decomposed values.
 *
 * `mag` is not logarithmic here, exactly as in astropy: it is a "regular function unit" worth
 * -0.4 dex, `dex` being its own irreducible dimension. So mmag ↔ mag ↔ dB convert by scale, and
 * magnitudes never convert to dimensionless.
 */

export interface UnitDef {
  /** Symbols; they take prefix symbols (`m` + `arcsec`). The first one is the display name. */
  readonly short: readonly string[];
  /** Long names; they take long prefixes (`milli` + `arcsecond`). */
  readonly long?: readonly string[];
  /** `[scale, expression]` over earlier units; absent for a base dimension. */
  readonly def?: readonly [number, string];
  /** Which prefixes astropy registers for this unit: all SI ones, SI and binary, or a few symbols. */
  readonly prefixes?: 'si' | 'si+binary' | readonly string[];
  /** Prefix symbols astropy leaves out, because the result would clash (`cd` is candela, not centiday). */
  readonly exclude?: readonly string[];
}

export interface UnitPrefix {
  readonly symbols: readonly string[];
  readonly names: readonly string[];
  readonly factor: number;
}

export const SI_PREFIXES: readonly UnitPrefix[] = [
  { symbols: ['Q'], names: ['quetta'], factor: 1e30 },
  { symbols: ['R'], names: ['ronna'], factor: 1e27 },
  { symbols: ['Y'], names: ['yotta'], factor: 1e24 },
  { symbols: ['Z'], names: ['zetta'], factor: 1e21 },
  { symbols: ['E'], names: ['exa'], factor: 1e18 },
  { symbols: ['P'], names: ['peta'], factor: 1e15 },
  { symbols: ['T'], names: ['tera'], factor: 1e12 },
  { symbols: ['G'], names: ['giga'], factor: 1e9 },
  { symbols: ['M'], names: ['mega'], factor: 1e6 },
  { symbols: ['k'], names: ['kilo'], factor: 1e3 },
  { symbols: ['h'], names: ['hecto'], factor: 1e2 },
  { symbols: ['da'], names: ['deka', 'deca'], factor: 1e1 },
  { symbols: ['d'], names: ['deci'], factor: 1e-1 },
  { symbols: ['c'], names: ['centi'], factor: 1e-2 },
  { symbols: ['m'], names: ['milli'], factor: 1e-3 },
  { symbols: ['u', 'µ', 'μ'], names: ['micro'], factor: 1e-6 },
  { symbols: ['n'], names: ['nano'], factor: 1e-9 },
  { symbols: ['p'], names: ['pico'], factor: 1e-12 },
  { symbols: ['f'], names: ['femto'], factor: 1e-15 },
  { symbols: ['a'], names: ['atto'], factor: 1e-18 },
  { symbols: ['z'], names: ['zepto'], factor: 1e-21 },
  { symbols: ['y'], names: ['yocto'], factor: 1e-24 },
  { symbols: ['r'], names: ['ronto'], factor: 1e-27 },
  { symbols: ['q'], names: ['quecto'], factor: 1e-30 },
];

export const BINARY_PREFIXES: readonly UnitPrefix[] = [
  { symbols: ['Ki'], names: ['kibi'], factor: 2 ** 10 },
  { symbols: ['Mi'], names: ['mebi'], factor: 2 ** 20 },
  { symbols: ['Gi'], names: ['gibi'], factor: 2 ** 30 },
  { symbols: ['Ti'], names: ['tebi'], factor: 2 ** 40 },
  { symbols: ['Pi'], names: ['pebi'], factor: 2 ** 50 },
  { symbols: ['Ei'], names: ['exbi'], factor: 2 ** 60 },
  { symbols: ['Zi'], names: ['zebi'], factor: 2 ** 70 },
  { symbols: ['Yi'], names: ['yobi'], factor: 2 ** 80 },
];

/** In definition order: a `def` may only mention units above it. */
export const UNIT_DEFS: readonly UnitDef[] = [
  // SI base dimensions and angles (astropy treats rad as irreducible).
  { short: ['m'], long: ['meter'], prefixes: 'si' },
  { short: ['s'], long: ['second'], prefixes: 'si' },
  { short: ['kg'], long: ['kilogram'] },
  { short: ['A'], long: ['ampere', 'amp'], prefixes: 'si' },
  { short: ['K'], long: ['Kelvin'], prefixes: 'si' },
  { short: ['mol'], long: ['mole'], prefixes: 'si' },
  { short: ['cd'], long: ['candela'], prefixes: 'si' },
  { short: ['rad'], long: ['radian'], prefixes: 'si' },
  { short: ['g'], long: ['gram'], def: [0.001, 'kg'], prefixes: 'si' },
  { short: ['t'], long: ['tonne'], def: [1000, 'kg'] },
  { short: ['micron'], def: [1e-6, 'm'] },
  { short: ['Angstrom', 'AA', 'angstrom', 'Å'], def: [0.1, 'nm'], prefixes: ['m'] },
  { short: ['deg', 'degree'], def: [Math.PI / 180, 'rad'], prefixes: 'si' },
  { short: ['arcmin'], long: ['arcminute'], def: [1 / 60, 'deg'], prefixes: 'si' },
  { short: ['arcsec'], long: ['arcsecond'], def: [1 / 60, 'arcmin'], prefixes: 'si' },
  { short: ['mas'], def: [0.001, 'arcsec'] },
  { short: ['uas', 'µas', 'μas'], def: [0.000001, 'arcsec'] },
  { short: ['hourangle'], def: [15, 'deg'] },
  { short: ['cycle', 'cy'], def: [2 * Math.PI, 'rad'] },
  { short: ['sr'], long: ['steradian'], def: [1, 'rad2'], prefixes: 'si' },
  { short: ['spat', 'sp'], def: [4 * Math.PI, 'sr'] },
  // Time.
  { short: ['min'], long: ['minute'], def: [60, 's'], prefixes: 'si' },
  { short: ['h'], long: ['hour', 'hr'], def: [3600, 's'], prefixes: 'si', exclude: ['p'] },
  { short: ['d'], long: ['day'], def: [24, 'h'], prefixes: 'si', exclude: ['c', 'p', 'y'] },
  { short: ['sday'], def: [86164.09053, 's'] },
  { short: ['wk'], long: ['week'], def: [7, 'day'] },
  { short: ['fortnight'], def: [2, 'wk'] },
  { short: ['a'], long: ['annum'], def: [365.25, 'd'], prefixes: 'si', exclude: ['P', 'h'] },
  { short: ['yr'], long: ['year'], def: [365.25, 'd'], prefixes: 'si' },
  // Derived SI units.
  { short: ['Hz'], long: ['Hertz', 'hertz'], def: [1, '1 / s'], prefixes: 'si' },
  { short: ['N'], long: ['Newton', 'newton'], def: [1, 'kg m s-2'], prefixes: 'si' },
  { short: ['J'], long: ['Joule', 'joule'], def: [1, 'N m'], prefixes: 'si' },
  { short: ['W'], long: ['Watt', 'watt'], def: [1, 'J / s'], prefixes: 'si' },
  { short: ['Pa'], long: ['Pascal', 'pascal'], def: [1, 'J m-3'], prefixes: 'si' },
  { short: ['C'], long: ['coulomb'], def: [1, 'A s'], prefixes: 'si' },
  { short: ['V'], long: ['Volt', 'volt'], def: [1, 'J / C'], prefixes: 'si' },
  { short: ['Ohm', 'ohm', 'Ω'], def: [1, 'V / A'], prefixes: 'si' },
  { short: ['T'], long: ['Tesla', 'tesla'], def: [1, 'V s / m2'], prefixes: 'si' },
  { short: ['Bq'], long: ['becquerel'], def: [1, '1 / s'], prefixes: 'si' },
  { short: ['l', 'L'], long: ['liter'], def: [1000, 'cm3'], prefixes: 'si' },
  { short: ['eV'], long: ['electronvolt'], def: [1.602176634e-19, 'J'], prefixes: 'si' },
  { short: ['bar'], def: [1e5, 'Pa'], prefixes: ['m'] },
  // CGS.
  { short: ['erg'], def: [1, 'g cm2 s-2'], prefixes: 'si' },
  { short: ['dyn'], long: ['dyne'], def: [1, 'g cm s-2'], prefixes: 'si' },
  { short: ['G'], long: ['Gauss', 'gauss'], def: [1e-4, 'T'], prefixes: 'si' },
  { short: ['barn'], def: [1e-28, 'm2'], prefixes: 'si' },
  // Astrophysics.
  { short: ['AU', 'au'], long: ['astronomical_unit'], def: [149597870700, 'm'], prefixes: 'si' },
  { short: ['pc'], long: ['parsec'], def: [3.085677581491367e16, 'm'], prefixes: 'si' },
  { short: ['lyr'], long: ['lightyear'], def: [9460730472580800, 'm'], prefixes: 'si' },
  { short: ['solRad'], long: ['R_sun', 'Rsun'], def: [695700000, 'm'], prefixes: 'si' },
  { short: ['earthRad'], long: ['R_earth', 'Rearth'], def: [6378100, 'm'] },
  { short: ['jupiterRad'], long: ['R_jup', 'Rjup', 'R_jupiter', 'Rjupiter'], def: [71492000, 'm'] },
  { short: ['solMass'], long: ['M_sun', 'Msun'], def: [1.988409870698051e30, 'kg'], prefixes: 'si' },
  { short: ['earthMass'], long: ['M_earth', 'Mearth'], def: [5.972167867791379e24, 'kg'] },
  { short: ['jupiterMass'], long: ['M_jup', 'Mjup', 'M_jupiter', 'Mjupiter'], def: [1.8981245973360505e27, 'kg'] },
  { short: ['solLum'], long: ['L_sun', 'Lsun'], def: [3.828e26, 'W'], prefixes: 'si' },
  { short: ['Jy'], long: ['Jansky', 'jansky'], def: [1e-26, 'W m-2 Hz-1'], prefixes: 'si' },
  { short: ['ph', 'photon'], long: ['photon'], prefixes: 'si' },
  { short: ['R'], long: ['Rayleigh', 'rayleigh'], def: [1e10 / (4 * Math.PI), 'ph m-2 s-1 sr-1'], prefixes: 'si' },
  { short: ['AB'], long: ['ABflux'], def: [3.6307805477010035e-23, 'kg s-2'] },
  { short: ['ST'], long: ['STflux'], def: [0.03630780547701003, 'kg m-1 s-3'] },
  { short: ['mgy'], long: ['maggy'], prefixes: ['n'] },
  // Detector and counting units: each its own dimension, as in astropy.
  { short: ['pix', 'pixel'], long: ['pixel'], prefixes: 'si' },
  { short: ['ct', 'count'], long: ['count'], prefixes: 'si', exclude: ['p'] },
  { short: ['electron'] },
  { short: ['adu'], prefixes: 'si' },
  { short: ['DN', 'dn'] },
  { short: ['chan'], prefixes: 'si' },
  { short: ['bin'], prefixes: 'si' },
  { short: ['vox', 'voxel'], long: ['voxel'], prefixes: 'si' },
  { short: ['beam'], prefixes: 'si' },
  // Information.
  { short: ['bit', 'b'], long: ['bit'], prefixes: 'si+binary' },
  { short: ['byte', 'B'], long: ['byte'], def: [8, 'bit'], prefixes: 'si+binary', exclude: ['d'] },
  // Logarithmic "function" units, scaled against dex as astropy does.
  { short: ['dex'] },
  { short: ['mag'], def: [-0.4, 'dex'], prefixes: 'si' },
  { short: ['dB'], long: ['decibel'], def: [0.1, 'dex'] },
  // Dimensionless. `dimensionless` is not an astropy name; accepted because people write it.
  { short: ['%', 'percent', 'pct'], def: [0.01, ''] },
  { short: ['dimensionless', 'dimensionless_unscaled'], def: [1, ''] },
];
