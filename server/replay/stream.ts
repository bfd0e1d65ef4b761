import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import { ALERT_SCHEMA_NAME } from './alerts.ts';

/**
 * The alert stream: NATS JetStream, one stream (`VERA_ALERTS`) holding every replay's alerts, one
 * subject per replay. Each message is one Avro alert; its headers name the schema and the alert.
 * Messages carry an id (`Nats-Msg-Id`: subject and diaSourceId), so a visit republished after a
 * crash between sending and recording is dropped by JetStream as a duplicate.
 */
export const ALERT_STREAM_NAME = 'VERA_ALERTS';
const SUBJECT_ROOT = 'vera.alerts';
/** JetStream forgets message ids after this long; a resumed replay republishes well within it. */
const DUPLICATE_WINDOW_NS = 24 * 3600 * 1e9;

/**
 * A new replay's subject: its id and a random token, so that a database restored or recreated
 * (replay ids start again) never writes onto, or is deduplicated against, an older replay's alerts.
 */
export function alertSubject(replayId: number): string {
  return `${SUBJECT_ROOT}.replay.${replayId}.${randomBytes(4).toString('hex')}`;
}

export interface OutgoingAlert {
  diaSourceId: bigint;
  packet: Uint8Array;
}

/** Where a replay's alerts go. */
export interface AlertSink {
  publish(subject: string, replayId: number, alerts: OutgoingAlert[]): Promise<void>;
  close(): Promise<void>;
}

export class NatsAlertSink implements AlertSink {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
  ) {}

  static async open(url: string): Promise<NatsAlertSink> {
    const nc = await connect({ servers: url }).catch((e: Error) => {
      throw new Error(`cannot connect to the alert stream at ${url} (VERA_ALERT_STREAM): ${e.message}`, { cause: e });
    });
    try {
      const jsm = await jetstreamManager(nc);
      const exists = await jsm.streams.info(ALERT_STREAM_NAME).then(
        () => true,
        () => false,
      );
      if (!exists) await jsm.streams.add({ name: ALERT_STREAM_NAME, subjects: [`${SUBJECT_ROOT}.>`], duplicate_window: DUPLICATE_WINDOW_NS });
      return new NatsAlertSink(nc, jetstream(nc));
    } catch (e) {
      await nc.close();
      throw e;
    }
  }

  async publish(subject: string, replayId: number, alerts: OutgoingAlert[]): Promise<void> {
    // One at a time and acknowledged: the visit counts as published only when JetStream holds all.
    for (const a of alerts) {
      const h = headers();
      h.set('Vera-Alert-Schema', ALERT_SCHEMA_NAME);
      h.set('Vera-Replay', String(replayId));
      h.set('Vera-DiaSource', a.diaSourceId.toString());
      await this.js.publish(subject, a.packet, { msgID: `${subject}:${a.diaSourceId}`, headers: h });
    }
  }

  async close(): Promise<void> {
    await this.nc.drain();
  }
}

/**
 * Every alert on a subject, from the start of the stream (an ordered consumer: no server state
 * left behind). What the docs' consumer example does, and what the tests check the stream with.
 */
export async function readAlertStream(url: string, subject: string, opts: { idleMs?: number } = {}): Promise<{ data: Uint8Array; headers: Record<string, string> }[]> {
  const nc = await connect({ servers: url });
  try {
    const js = jetstream(nc);
    // An ephemeral consumer with `filter_subject` (singular: JetStream servers before 2.10 know
    // no other), removed by the server once idle.
    const jsm = await jetstreamManager(nc);
    const info = await jsm.consumers.add(ALERT_STREAM_NAME, {
      filter_subject: subject,
      deliver_policy: DeliverPolicy.All,
      ack_policy: AckPolicy.None,
      inactive_threshold: 30e9,
    });
    const consumer = await js.consumers.get(ALERT_STREAM_NAME, info.name);
    const out: { data: Uint8Array; headers: Record<string, string> }[] = [];
    for (;;) {
      const m = await consumer.next({ expires: opts.idleMs ?? 1000 });
      if (!m) break;
      const h: Record<string, string> = {};
      for (const [k] of m.headers ?? []) h[k] = m.headers!.get(k);
      out.push({ data: m.data, headers: h });
      if (m.info.pending === 0) break;
    }
    return out;
  } finally {
    await nc.close();
  }
}
