import path from 'node:path';
import type { Command } from 'commander';
import { splitPipelineRef } from '../../runner/pipeline/pipe-base.ts';
import { splitList, withClient } from '../context.ts';
import { readLocalFile } from '../files.ts';
import { printJson, printTable } from '../output.ts';
import { graphql } from '../generated/gql.ts';
import type { CampaignDetailQuery, CampaignStatus } from '../generated/graphql.ts';
import { configOverrides } from './run.ts';
import { parseExpiry } from './tokens.ts';

/** `vera campaign`: request an operator campaign, approve or reject one, list them, show one. */


const REQUEST = graphql(`
  mutation CampaignRequest($input: CampaignRequestInput!) {
    requestCampaign(input: $input) { basis campaign { name estimate { quanta coreHours bytes } } }
  }
`);
const APPROVE = graphql(`
  mutation CampaignApprove($name: String!, $note: String) { approveCampaign(name: $name, note: $note) { name runs { run } } }
`);
const REJECT = graphql(`
  mutation CampaignReject($name: String!, $reason: String!) { rejectCampaign(name: $name, reason: $reason) { name status } }
`);
const LIST = graphql(`
  query CampaignList($requester: String, $status: CampaignStatus, $limit: Int) {
    campaigns(requester: $requester, status: $status, limit: $limit) {
      name requester status state estimate { quanta coreHours } progress { total succeeded failed coreHours }
    }
  }
`);
const SHOW = graphql(`
  query CampaignDetail($name: String!) {
    campaign(name: $name) {
      name requester status state pipelineFile inputs executor runsExpireAt createdAt decidedBy decidedAt decisionNote
      estimate { quanta coreHours bytes }
      runs { chunk where run status error }
      progress { total pending running succeeded failed blocked coreHours bytes }
    }
  }
`);

const collect = (value: string, previous: string[]) => [...previous, value];
const hours = (h: number) => h.toFixed(h < 10 ? 3 : 1);
const when = (iso: string | null | undefined) => (iso ? iso.slice(0, 19).replace('T', ' ') : '');

function printCampaign(c: CampaignDetailQuery['campaign']): void {
  const p = c.progress;
  const out = process.stdout;
  out.write(`campaign ${c.name}: ${c.state.toLowerCase().replace('_', ' ')}, ${p.succeeded}/${p.total} quanta succeeded (${p.running} running, ${p.pending} pending, ${p.failed} failed, ${p.blocked} blocked)\n`);
  out.write(`  requested by ${c.requester} ${when(c.createdAt)}${c.decidedBy ? `, ${c.status} by ${c.decidedBy} ${when(c.decidedAt)}` : ''}${c.decisionNote ? `: ${c.decisionNote}` : ''}\n`);
  out.write(`  pipeline ${c.pipelineFile} on ${c.inputs.join(', ')}, executor ${c.executor}, runs expire ${when(c.runsExpireAt)}\n`);
  out.write(`  estimate ${c.estimate.quanta} quanta, ${hours(c.estimate.coreHours)} core-hours, ${c.estimate.bytes} bytes\n`);
  out.write(`  used so far ${hours(p.coreHours)} core-hours, ${p.bytes} bytes stored\n\n`);
  if (c.runs.length > 0) printTable(['CHUNK', 'WHERE', 'RUN', 'STATUS', 'ERROR'], c.runs.map((r) => [r.chunk, r.where, r.run, r.status, r.error ?? '']));
}

export function register(program: Command): void {
  const campaign = program.command('campaign').description('operator campaigns: request (with an estimate, within your quota), approve or reject (operators), list, show progress and cost');

  campaign
    .command('request')
    .description('ask for a campaign: a pipeline on input collections, one run per --chunk data query')
    .argument('<name>', 'campaign name (a-z, 0-9, . _ -); its runs are u/<you>/campaigns/<name>/<chunk>')
    .argument('<pipeline>', 'pipeline YAML file, optionally #subset or #label,label')
    .requiredOption('-i, --input <collections>', 'input collections, comma-separated (search order)')
    .option('--chunk <where>', 'a data query of one run (repeatable; none: one run over all the inputs)', collect, [])
    .option('-c, --config <task:field=value>', 'config override (repeatable)', collect, [])
    .option('-C, --config-file <file>', 'YAML file of config overrides (repeatable)', collect, [])
    .option('--expires <when>', "when its runs may be pruned: 30d, 8w from now or an ISO 8601 instant (default: operator runs' lifetime)")
    .option('--json', 'machine-readable output')
    .action(async (name: string, pipeline: string, opts: { input: string; chunk: string[]; config: string[]; configFile: string[]; expires?: string; json?: boolean }) => {
      const { file: named, selection } = splitPipelineRef(pipeline);
      const file = path.resolve(named);
      const input = {
        name,
        pipelineFile: selection ? `${file}#${selection.join(',')}` : file,
        pipelineYaml: readLocalFile(file, 'pipeline'),
        inputs: splitList(opts.input),
        chunks: opts.chunk,
        configOverrides: configOverrides(opts.configFile, opts.config),
        expiresAt: opts.expires ? parseExpiry(opts.expires) : undefined,
      };
      const { requestCampaign: r } = await withClient((c) => c.request(REQUEST, { input }));
      if (opts.json) return printJson(r);
      const e = r.campaign.estimate;
      process.stderr.write(`campaign '${r.campaign.name}' requested: ${e.quanta} quanta, ${hours(e.coreHours)} core-hours, ${e.bytes} bytes; an operator other than you approves it\n`);
      process.stdout.write(`${r.basis.split('; ').join('\n')}\n`);
    });

  campaign
    .command('approve')
    .description('approve a campaign someone else requested and submit its runs (operators)')
    .argument('<name>', 'the campaign')
    .option('--note <text>', 'a note kept with the approval')
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts: { note?: string; json?: boolean }) => {
      const { approveCampaign: c } = await withClient((cl) => cl.request(APPROVE, { name, note: opts.note }));
      if (opts.json) return printJson(c);
      process.stderr.write(`campaign '${c.name}' approved; runs submitted:\n`);
      process.stdout.write(c.runs.map((r) => `${r.run}\n`).join(''));
    });

  campaign
    .command('reject')
    .description('reject a campaign someone else requested, with the reason (operators)')
    .argument('<name>', 'the campaign')
    .requiredOption('--reason <text>', 'why, for its requester')
    .action(async (name: string, opts: { reason: string }) => {
      await withClient((c) => c.request(REJECT, { name, reason: opts.reason }));
      process.stderr.write(`campaign '${name}' rejected\n`);
    });

  campaign
    .command('list', { isDefault: true })
    .description('campaigns, newest first')
    .option('--requester <user>', 'campaigns of this user')
    .option('--status <status>', 'requested, approved or rejected')
    .option('--limit <n>', 'at most this many (default 100)', (v: string) => Number(v))
    .option('--json', 'machine-readable output')
    .action(async (opts: { requester?: string; status?: CampaignStatus; limit?: number; json?: boolean }) => {
      const { campaigns } = await withClient((c) => c.request(LIST, { requester: opts.requester, status: opts.status, limit: opts.limit }));
      if (opts.json) return printJson(campaigns);
      printTable(
        ['NAME', 'REQUESTER', 'STATE', 'QUANTA', 'FAILED', 'CORE-H USED', 'CORE-H EST.'],
        campaigns.map((c) => [c.name, c.requester, c.state.toLowerCase(), `${c.progress.succeeded}/${c.progress.total || c.estimate.quanta}`, c.progress.failed, hours(c.progress.coreHours), hours(c.estimate.coreHours)]),
      );
    });

  campaign
    .command('show')
    .description('a campaign: decision, estimate, progress and cost so far, its runs')
    .argument('<name>', 'the campaign')
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts: { json?: boolean }) => {
      const { campaign: c } = await withClient((cl) => cl.request(SHOW, { name }));
      if (opts.json) return printJson(c);
      printCampaign(c);
    });
}
