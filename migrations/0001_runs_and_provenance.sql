CREATE TABLE "run_input_runs" (
	"run_id" integer NOT NULL,
	"input_collection_id" integer NOT NULL,
	CONSTRAINT "run_input_runs_run_id_input_collection_id_pk" PRIMARY KEY("run_id","input_collection_id")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"collection_id" integer NOT NULL,
	"owner_id" integer NOT NULL,
	"purpose" text NOT NULL,
	"status" text NOT NULL,
	"pipeline_file" text NOT NULL,
	"pipeline_yaml" text NOT NULL,
	"config_overrides" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"inputs" jsonb NOT NULL,
	"where_expr" text DEFAULT '' NOT NULL,
	"bind" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"software" jsonb,
	"executor" text NOT NULL,
	"seed" integer DEFAULT 0 NOT NULL,
	"save_intermediates" boolean DEFAULT false NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	CONSTRAINT "runs_collection_id_unique" UNIQUE("collection_id"),
	CONSTRAINT "runs_purpose_check" CHECK ("runs"."purpose" IN ('ci', 'developer', 'operator', 'replay')),
	CONSTRAINT "runs_status_check" CHECK ("runs"."status" IN ('pending', 'running', 'succeeded', 'failed', 'partial', 'cancelled'))
);
--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "stored" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "quanta" ADD COLUMN "status" text DEFAULT 'succeeded' NOT NULL;--> statement-breakpoint
ALTER TABLE "quanta" ADD COLUMN "task_class" text;--> statement-breakpoint
ALTER TABLE "quanta" ADD COLUMN "config" jsonb;--> statement-breakpoint
ALTER TABLE "quanta" ADD COLUMN "config_hash" text;--> statement-breakpoint
ALTER TABLE "quanta" ADD COLUMN "plan" jsonb;--> statement-breakpoint
ALTER TABLE "quanta" ADD COLUMN "software" jsonb;--> statement-breakpoint
ALTER TABLE "quanta" ADD COLUMN "executor" text;--> statement-breakpoint
ALTER TABLE "quanta" ADD COLUMN "host" text;--> statement-breakpoint
ALTER TABLE "quanta" ADD COLUMN "started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "quanta" ADD COLUMN "ended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "quanta" ADD COLUMN "peak_memory_bytes" bigint;--> statement-breakpoint
ALTER TABLE "quanta" ADD COLUMN "log" text;--> statement-breakpoint
ALTER TABLE "quanta" ADD COLUMN "error" text;--> statement-breakpoint
ALTER TABLE "run_input_runs" ADD CONSTRAINT "run_input_runs_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_input_runs" ADD CONSTRAINT "run_input_runs_input_collection_id_collections_id_fk" FOREIGN KEY ("input_collection_id") REFERENCES "public"."collections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_collection_id_collections_id_fk" FOREIGN KEY ("collection_id") REFERENCES "public"."collections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "run_input_runs_input_idx" ON "run_input_runs" USING btree ("input_collection_id");--> statement-breakpoint
CREATE INDEX "runs_owner_idx" ON "runs" USING btree ("owner_id");--> statement-breakpoint
ALTER TABLE "quanta" ADD CONSTRAINT "quanta_status_check" CHECK ("quanta"."status" IN ('pending', 'running', 'succeeded', 'failed', 'blocked'));