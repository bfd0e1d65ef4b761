CREATE TABLE "replay_visits" (
	"replay_id" integer NOT NULL,
	"seq" integer NOT NULL,
	"visit" bigint NOT NULL,
	"shutter_close_at" timestamp (3) with time zone NOT NULL,
	"midpoint_mjd_tai" double precision NOT NULL,
	"stage" text DEFAULT 'pending' NOT NULL,
	"scaled_shutter_close_at" timestamp (3) with time zone,
	"published_at" timestamp (3) with time zone,
	"latency_ms" double precision,
	"timings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"dia_sources" integer,
	"new_dia_objects" integer,
	"alerts" integer,
	CONSTRAINT "replay_visits_replay_id_seq_pk" PRIMARY KEY("replay_id","seq"),
	CONSTRAINT "replay_visits_stage_check" CHECK ("replay_visits"."stage" IN ('pending', 'associated', 'published'))
);
--> statement-breakpoint
CREATE TABLE "replays" (
	"id" serial PRIMARY KEY NOT NULL,
	"owner_id" integer NOT NULL,
	"status" text NOT NULL,
	"instrument" text NOT NULL,
	"code_ref" text NOT NULL,
	"config" jsonb NOT NULL,
	"speed" double precision,
	"alert_subject" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	CONSTRAINT "replays_status_check" CHECK ("replays"."status" IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
	CONSTRAINT "replays_speed_check" CHECK ("replays"."speed" IS NULL OR "replays"."speed" > 0)
);
--> statement-breakpoint
ALTER TABLE "replay_visits" ADD CONSTRAINT "replay_visits_replay_id_replays_id_fk" FOREIGN KEY ("replay_id") REFERENCES "public"."replays"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replays" ADD CONSTRAINT "replays_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "replays_owner_idx" ON "replays" USING btree ("owner_id");