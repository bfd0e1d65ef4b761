import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * The history of the demo's pipelines repository (`survey-photometry`): a team's small photometry
 * pipeline, a dozen commits on master with one that worsens a metric and a later fix, two release
 * tags, and a feature branch with an open pull request. Written as data so the demo, its test and
 * its docs tell the same story.
 */

/** The repository's files at its first commit (server/demo/pipelines-repo/). */
export const REPO_TEMPLATE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pipelines-repo');
export const REPO_NAME = 'survey-photometry';
export const FEATURE_BRANCH = 'feature/local-background';
export const PR_NUMBER = 1;

/** A change to the repository: files replaced, or edited (text in, text out). */
export interface StoryCommit {
  subject: string;
  edit: Record<string, (text: string) => string>;
  /** A release tag put on this commit. */
  tag?: string;
}

const PIPELINE = 'pipelines/photometry.yaml';
const TASK = 'tasks/photometry.ts';
const append = (line: string) => (text: string) => `${text.trimEnd()}\n${line}\n`;
const threshold = (snr: number) => (text: string) => text.replace(/detectionSnr: \d+/, `detectionSnr: ${snr}`);

/** The commit that worsens completeness, and the one that fixes it (indexes into MASTER). */
export const BAD_COMMIT = 5;
export const FIX_COMMIT = 8;

export const MASTER: StoryCommit[] = [
  { subject: 'Photometry pipeline for the survey', edit: {} },
  { subject: 'README: what the metrics mean', edit: { 'README.md': append('\nCompleteness counts truth stars found at 5 sigma; PhotRms is the scatter of bright stars.') } },
  { subject: 'Say why stars near the edge are skipped', edit: { [TASK]: (t) => t.replace('// Stars whose aperture leaves the detector are not measured.', '// Stars whose aperture leaves the detector are not measured: a clipped aperture biases the flux.') } },
  { subject: 'vera.yaml: build pull requests too', edit: { 'vera.yaml': (t) => t.replace('# pull request and release.', '# pull request and release (a pull request is compared with master).') } },
  { subject: 'Release 1.0', edit: { 'CHANGELOG.md': () => '# Changelog\n\n## 1.0\n\nFirst release: completeness and photometric RMS.\n' }, tag: 'v1.0' },
  { subject: 'Raise the detection threshold to 10 sigma to cut spurious detections', edit: { [PIPELINE]: threshold(10) } },
  { subject: 'Log the number of bright stars', edit: { [TASK]: (t) => t.replace('PhotRms over ${residuals.length} bright stars', 'PhotRms over ${residuals.length} bright stars (S/N >= ${config.brightSnr})') } },
  { subject: 'README: running the pipeline locally', edit: { 'README.md': append('\nRun it locally: `vera run pipelines/photometry.yaml -i SimCam/defaults`.') } },
  { subject: 'Restore the 5-sigma detection threshold: 10 sigma lost the faint stars', edit: { [PIPELINE]: threshold(5) } },
  { subject: 'Name the units of the aperture', edit: { [TASK]: (t) => t.replace('/** Aperture radius in units of the visit\'s PSF FWHM. */', '/** Aperture radius, in units of the visit\'s PSF FWHM (pixels). */') } },
  { subject: 'Changelog for 1.1', edit: { 'CHANGELOG.md': (t) => t.replace('## 1.0', '## 1.1\n\nThe detection threshold is back at 5 sigma.\n\n## 1.0') } },
  { subject: 'Release 1.1', edit: { 'package.json': (t) => t.replace('"version": "1.0.0"', '"version": "1.1.0"') }, tag: 'v1.1' },
];

/** The feature branch, from master's last commit: a local sky around each star (pull request #1). */
export const FEATURE: StoryCommit[] = [
  { subject: 'Measure the sky in an annulus around each star', edit: { [PIPELINE]: (t) => t.replace('config: { detectionSnr: 5 }', 'config: { detectionSnr: 5, background: annulus }') } },
  { subject: 'README: the local background', edit: { 'README.md': append('\nThe sky under each star is the median of an annulus around it (`background: annulus`).') } },
];

const AUTHORS = [
  { name: 'Ada Lovelace', email: 'ada@survey.example.org' },
  { name: 'Grace Hopper', email: 'grace@survey.example.org' },
  { name: 'Vera Rubin', email: 'vera@survey.example.org' },
];
/** Fixed dates and authors make the commits' SHAs the same on every machine and every start. */
/** What git needs of the environment: the rest (a user's GIT_* settings, their git config) has no say in the story. */
const BASE_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' };

async function run(dir: string, args: string[], env: Record<string, string>): Promise<string> {
  const { stdout } = await promisify(execFile)('git', args, { cwd: dir, env: { ...BASE_ENV, ...env } });
  return stdout.trim();
}
const FIRST_DATE = Date.UTC(2026, 0, 5, 9, 30);

export interface StoryRepo {
  dir: string;
  master: string[];
  feature: string[];
}

function filesUnder(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(dir, path.join(rel, e.name)) : [path.join(rel, e.name)]));
}

/**
 * Writes the story's repository at `dir` (made again from scratch when incomplete: `.story-done`
 * records completion). Its commits' SHAs depend only on the story, so a repository made again is
 * the one Vera already tracks.
 */
export async function writeStoryRepo(dir: string): Promise<StoryRepo> {
  const done = path.join(dir, '.git', 'story-done');
  if (fs.existsSync(done)) return JSON.parse(fs.readFileSync(done, 'utf8')) as StoryRepo;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const git = (args: string[], env: Record<string, string> = {}) => run(dir, args, env);
  await git(['init', '--quiet', '--initial-branch=master']);
  let n = 0;
  const commit = async (c: StoryCommit, first: boolean): Promise<string> => {
    if (first) for (const rel of filesUnder(REPO_TEMPLATE)) writeFile(dir, rel, fs.readFileSync(path.join(REPO_TEMPLATE, rel), 'utf8'));
    for (const [rel, edit] of Object.entries(c.edit)) {
      const file = path.join(dir, rel);
      const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      const after = edit(before);
      if (after === before) throw new Error(`demo story: commit '${c.subject}' does not change ${rel}`);
      writeFile(dir, rel, after);
    }
    const author = AUTHORS[n % AUTHORS.length]!;
    const date = new Date(FIRST_DATE + n * 86_400_000 + (n % 3) * 3_600_000).toISOString();
    n++;
    const who = { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
    await git(['add', '--all']);
    await git(['commit', '--quiet', '--no-verify', '--no-gpg-sign', '-m', c.subject], who);
    const sha = await git(['rev-parse', 'HEAD']);
    if (c.tag) await git(['tag', '--no-sign', '-a', c.tag, '-m', c.subject], who);
    return sha;
  };
  const master: string[] = [];
  for (const [i, c] of MASTER.entries()) master.push(await commit(c, i === 0));
  await git(['checkout', '--quiet', '-b', FEATURE_BRANCH]);
  const feature: string[] = [];
  for (const c of FEATURE) feature.push(await commit(c, false));
  // Where GitHub keeps a pull request's head; a mirror fetches it like any ref.
  await git(['update-ref', `refs/pull/${PR_NUMBER}/head`, feature.at(-1)!]);
  await git(['checkout', '--quiet', 'master']);
  const story: StoryRepo = { dir, master, feature };
  fs.writeFileSync(done, JSON.stringify(story));
  return story;
}

function writeFile(dir: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
}
