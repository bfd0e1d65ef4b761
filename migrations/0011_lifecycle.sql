CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" integer NOT NULL,
	"action" text NOT NULL,
	"subject" text NOT NULL,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "audit_log_action_check" CHECK ("audit_log"."action" IN ('prune-run', 'prune-worktree', 'grant', 'revoke'))
);
--> statement-breakpoint
CREATE TABLE "grants" (
	"owner_id" integer NOT NULL,
	"grantee_id" integer NOT NULL,
	"granted_by" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "grants_owner_id_grantee_id_pk" PRIMARY KEY("owner_id","grantee_id"),
	CONSTRAINT "grants_not_self" CHECK ("grants"."owner_id" <> "grants"."grantee_id")
);
--> statement-breakpoint
CREATE TABLE "prune_deletions" (
	"id" serial PRIMARY KEY NOT NULL,
	"run_id" integer NOT NULL,
	"actor_id" integer NOT NULL,
	"trash" text NOT NULL,
	"state" text DEFAULT 'moving' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "prune_deletions_run_id_unique" UNIQUE("run_id"),
	CONSTRAINT "prune_deletions_state_check" CHECK ("prune_deletions"."state" IN ('moving', 'committed'))
);
--> statement-breakpoint
ALTER TABLE "measurements" DROP CONSTRAINT "measurements_dataset_id_datasets_id_fk";
--> statement-breakpoint
-- Every run has an expiry from now on: earlier runs without one get their purpose's default lifetime.
UPDATE "runs" SET "expires_at" = "created_at" + CASE "purpose" WHEN 'ci' THEN interval '90 days' WHEN 'operator' THEN interval '365 days' ELSE interval '28 days' END WHERE "expires_at" IS NULL;--> statement-breakpoint
ALTER TABLE "runs" ALTER COLUMN "expires_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "pruned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "pruned_bytes" bigint;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_grantee_id_users_id_fk" FOREIGN KEY ("grantee_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_granted_by_users_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prune_deletions" ADD CONSTRAINT "prune_deletions_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prune_deletions" ADD CONSTRAINT "prune_deletions_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "grants_grantee_idx" ON "grants" USING btree ("grantee_id");--> statement-breakpoint
ALTER TABLE "measurements" ADD CONSTRAINT "measurements_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "runs_expires_idx" ON "runs" USING btree ("expires_at");