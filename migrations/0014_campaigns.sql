CREATE TABLE "campaign_runs" (
	"campaign_id" integer NOT NULL,
	"run_id" integer NOT NULL,
	"chunk" integer NOT NULL,
	CONSTRAINT "campaign_runs_campaign_id_chunk_pk" PRIMARY KEY("campaign_id","chunk"),
	CONSTRAINT "campaign_runs_run_id_unique" UNIQUE("run_id")
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"requester_id" integer NOT NULL,
	"status" text NOT NULL,
	"pipeline_file" text NOT NULL,
	"pipeline_yaml" text NOT NULL,
	"inputs" jsonb NOT NULL,
	"chunks" jsonb NOT NULL,
	"config_overrides" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"executor" text NOT NULL,
	"estimated_quanta" integer NOT NULL,
	"estimated_core_hours" double precision NOT NULL,
	"estimated_bytes" bigint NOT NULL,
	"runs_expire_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" integer,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	CONSTRAINT "campaigns_name_unique" UNIQUE("name"),
	CONSTRAINT "campaigns_status_check" CHECK ("campaigns"."status" IN ('requested', 'approved', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE "quotas" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"core_hours" double precision NOT NULL,
	"bytes" bigint NOT NULL,
	"set_by" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_action_check";--> statement-breakpoint
ALTER TABLE "campaign_runs" ADD CONSTRAINT "campaign_runs_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_runs" ADD CONSTRAINT "campaign_runs_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_requester_id_users_id_fk" FOREIGN KEY ("requester_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotas" ADD CONSTRAINT "quotas_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotas" ADD CONSTRAINT "quotas_set_by_users_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "campaigns_requester_idx" ON "campaigns" USING btree ("requester_id");--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_action_check" CHECK ("audit_log"."action" IN ('prune-run', 'prune-worktree', 'grant', 'revoke', 'campaign-request', 'campaign-approve', 'campaign-reject', 'quota'));