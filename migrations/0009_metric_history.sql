CREATE TABLE "regression_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"regression_id" integer NOT NULL,
	"from_status" text NOT NULL,
	"to_status" text NOT NULL,
	"actor_id" integer NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "branch_history_by" integer;--> statement-breakpoint
ALTER TABLE "measurements" ADD COLUMN "counts_as" text DEFAULT 'developer' NOT NULL;--> statement-breakpoint
ALTER TABLE "measurements" ADD COLUMN "standing_reason" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "measurements" ADD COLUMN "flag" text;--> statement-breakpoint
ALTER TABLE "regression_events" ADD CONSTRAINT "regression_events_regression_id_regressions_id_fk" FOREIGN KEY ("regression_id") REFERENCES "public"."regressions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "regression_events" ADD CONSTRAINT "regression_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "regression_events_regression_idx" ON "regression_events" USING btree ("regression_id");--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_branch_history_by_users_id_fk" FOREIGN KEY ("branch_history_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "measurements_standing_idx" ON "measurements" USING btree ("metric_name","dataset","counts_as");--> statement-breakpoint
ALTER TABLE "measurements" ADD CONSTRAINT "measurements_counts_as_check" CHECK ("measurements"."counts_as" IN ('branch', 'developer'));--> statement-breakpoint
-- Existing points get their standing, by the same rules as server/metrics/standing.ts (runStanding, jobStanding).
UPDATE "measurements" m SET "counts_as" = s.counts_as, "standing_reason" = s.reason
FROM (
  SELECT r."collection_id",
    CASE WHEN r."software" IS NULL OR r."software"->>'commit' IS NULL THEN 'developer'
         WHEN (r."software"->>'dirty')::boolean THEN 'developer'
         WHEN r."config_overrides" <> '{}'::jsonb THEN 'developer'
         WHEN r."purpose" = 'ci' THEN 'branch'
         ELSE 'developer' END AS counts_as,
    CASE WHEN r."software" IS NULL OR r."software"->>'commit' IS NULL THEN 'no commit recorded: not part of any branch history'
         WHEN (r."software"->>'dirty')::boolean THEN 'dirty tree: the checkout had uncommitted changes'
         WHEN r."config_overrides" <> '{}'::jsonb THEN 'config overrides (' || (SELECT string_agg(k, ', ') FROM jsonb_object_keys(r."config_overrides") k) || '): not what the commit produces'
         WHEN r."purpose" = 'ci' THEN 'CI build of a clean commit'
         ELSE 'not a CI build (a ' || r."purpose" || ' run)' END AS reason
  FROM "runs" r
) s
WHERE m."run_id" = s."collection_id";--> statement-breakpoint
UPDATE "measurements" SET "counts_as" = CASE WHEN "commit" IS NULL THEN 'developer' ELSE 'branch' END,
  "standing_reason" = CASE WHEN "commit" IS NULL THEN 'lsst.verify job posted without a commit' ELSE 'lsst.verify job for a commit, posted before standings were recorded' END
WHERE "run_id" IS NULL AND "job_id" IS NOT NULL;--> statement-breakpoint
UPDATE "measurements" SET "standing_reason" = 'recorded before standings were, with neither run nor job'
WHERE "run_id" IS NULL AND "job_id" IS NULL;--> statement-breakpoint
UPDATE "measurements" SET "flag" = 'unknown metric: no definition was loaded when it was measured'
WHERE NOT EXISTS (SELECT 1 FROM "metrics" d WHERE d."name" = "measurements"."metric_name");
