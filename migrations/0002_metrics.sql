CREATE TABLE "detection_configs" (
	"metric_name" text PRIMARY KEY NOT NULL,
	"config" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "measurements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"metric_name" text NOT NULL,
	"value" double precision,
	"unit" text NOT NULL,
	"dataset" text NOT NULL,
	"data_id" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"repo" text,
	"commit" text,
	"branch" text,
	"run_id" integer,
	"quantum_id" uuid,
	"dataset_id" uuid,
	"job_id" text,
	"extras" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"measured_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "measurements_dataset_once" UNIQUE("dataset_id")
);
--> statement-breakpoint
CREATE TABLE "metrics" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"package" text NOT NULL,
	"unit" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reference" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"source" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "metrics_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "regressions" (
	"id" serial PRIMARY KEY NOT NULL,
	"metric_name" text NOT NULL,
	"dataset" text NOT NULL,
	"branch" text NOT NULL,
	"data_id" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"first_bad_commit" text NOT NULL,
	"last_good_commit" text,
	"finding" jsonb NOT NULL,
	"explanation" jsonb,
	"note" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "regressions_once" UNIQUE("metric_name","dataset","branch","data_id","kind","first_bad_commit"),
	CONSTRAINT "regressions_status_check" CHECK ("regressions"."status" IN ('open', 'acknowledged', 'fixed', 'false_alarm'))
);
--> statement-breakpoint
CREATE TABLE "specifications" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"metric_name" text NOT NULL,
	"operator" text NOT NULL,
	"value" double precision NOT NULL,
	"unit" text NOT NULL,
	"metadata_query" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"source" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "specifications_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "measurements" ADD CONSTRAINT "measurements_run_id_collections_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."collections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measurements" ADD CONSTRAINT "measurements_quantum_id_quanta_id_fk" FOREIGN KEY ("quantum_id") REFERENCES "public"."quanta"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measurements" ADD CONSTRAINT "measurements_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "measurements_series_idx" ON "measurements" USING btree ("metric_name","dataset","branch","commit");--> statement-breakpoint
CREATE INDEX "measurements_run_idx" ON "measurements" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "regressions_status_idx" ON "regressions" USING btree ("status");--> statement-breakpoint
CREATE INDEX "specifications_metric_idx" ON "specifications" USING btree ("metric_name");