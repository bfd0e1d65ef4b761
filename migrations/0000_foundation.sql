CREATE TABLE "api_tokens" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_name_unique" UNIQUE("name"),
	CONSTRAINT "users_role_check" CHECK ("users"."role" IN ('viewer', 'developer', 'operator', 'admin'))
);
--> statement-breakpoint
CREATE TABLE "dim_band" (
	"name" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dim_day_obs" (
	"instrument" text NOT NULL,
	"id" integer NOT NULL,
	"begin_time" timestamp with time zone,
	"end_time" timestamp with time zone,
	CONSTRAINT "dim_day_obs_instrument_id_pk" PRIMARY KEY("instrument","id")
);
--> statement-breakpoint
CREATE TABLE "dim_detector" (
	"instrument" text NOT NULL,
	"id" integer NOT NULL,
	"full_name" text NOT NULL,
	"extra" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "dim_detector_instrument_id_pk" PRIMARY KEY("instrument","id")
);
--> statement-breakpoint
CREATE TABLE "dim_instrument" (
	"name" text PRIMARY KEY NOT NULL,
	"class_name" text DEFAULT '' NOT NULL,
	"doc" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dim_patch" (
	"skymap" text NOT NULL,
	"tract" integer NOT NULL,
	"id" integer NOT NULL,
	"cell_x" integer NOT NULL,
	"cell_y" integer NOT NULL,
	"region" jsonb NOT NULL,
	CONSTRAINT "dim_patch_skymap_tract_id_pk" PRIMARY KEY("skymap","tract","id")
);
--> statement-breakpoint
CREATE TABLE "dim_physical_filter" (
	"instrument" text NOT NULL,
	"name" text NOT NULL,
	"band" text NOT NULL,
	CONSTRAINT "dim_physical_filter_instrument_name_pk" PRIMARY KEY("instrument","name")
);
--> statement-breakpoint
CREATE TABLE "dim_skymap" (
	"name" text PRIMARY KEY NOT NULL,
	"hash" text DEFAULT '' NOT NULL,
	"definition" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dim_tract" (
	"skymap" text NOT NULL,
	"id" integer NOT NULL,
	"ra_deg" double precision NOT NULL,
	"dec_deg" double precision NOT NULL,
	"region" jsonb NOT NULL,
	CONSTRAINT "dim_tract_skymap_id_pk" PRIMARY KEY("skymap","id")
);
--> statement-breakpoint
CREATE TABLE "dim_visit" (
	"instrument" text NOT NULL,
	"id" bigint NOT NULL,
	"physical_filter" text NOT NULL,
	"day_obs" integer NOT NULL,
	"begin_time" timestamp with time zone NOT NULL,
	"end_time" timestamp with time zone NOT NULL,
	"exposure_time_s" double precision NOT NULL,
	"ra_deg" double precision NOT NULL,
	"dec_deg" double precision NOT NULL,
	"sky_angle_deg" double precision DEFAULT 0 NOT NULL,
	"region" jsonb NOT NULL,
	"extra" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "dim_visit_instrument_id_pk" PRIMARY KEY("instrument","id")
);
--> statement-breakpoint
CREATE TABLE "collection_chain" (
	"parent_id" integer NOT NULL,
	"position" integer NOT NULL,
	"child_id" integer NOT NULL,
	CONSTRAINT "collection_chain_parent_id_position_pk" PRIMARY KEY("parent_id","position"),
	CONSTRAINT "collection_chain_child_once" UNIQUE("parent_id","child_id")
);
--> statement-breakpoint
CREATE TABLE "collections" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"owner_id" integer NOT NULL,
	"doc" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "collections_name_unique" UNIQUE("name"),
	CONSTRAINT "collections_type_check" CHECK ("collections"."type" IN ('RUN', 'TAGGED', 'CHAINED', 'CALIBRATION'))
);
--> statement-breakpoint
CREATE TABLE "dataset_calibs" (
	"id" serial PRIMARY KEY NOT NULL,
	"collection_id" integer NOT NULL,
	"dataset_id" uuid NOT NULL,
	"dataset_type_id" integer NOT NULL,
	"data_id" jsonb NOT NULL,
	"valid_from" timestamp with time zone,
	"valid_to" timestamp with time zone,
	CONSTRAINT "dataset_calibs_range_check" CHECK ("dataset_calibs"."valid_from" IS NULL OR "dataset_calibs"."valid_to" IS NULL OR "dataset_calibs"."valid_from" < "dataset_calibs"."valid_to")
);
--> statement-breakpoint
CREATE TABLE "dataset_tags" (
	"collection_id" integer NOT NULL,
	"dataset_id" uuid NOT NULL,
	"dataset_type_id" integer NOT NULL,
	"data_id" jsonb NOT NULL,
	CONSTRAINT "dataset_tags_collection_id_dataset_id_pk" PRIMARY KEY("collection_id","dataset_id"),
	CONSTRAINT "dataset_tags_identity" UNIQUE("collection_id","dataset_type_id","data_id")
);
--> statement-breakpoint
CREATE TABLE "dataset_types" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"dimensions" jsonb NOT NULL,
	"required_dimensions" jsonb NOT NULL,
	"storage_class" text NOT NULL,
	"is_calibration" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dataset_types_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "datasets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"dataset_type_id" integer NOT NULL,
	"run_id" integer NOT NULL,
	"data_id" jsonb NOT NULL,
	"dims" jsonb NOT NULL,
	"path" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"checksum" text NOT NULL,
	"quantum_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "datasets_path_unique" UNIQUE("path"),
	CONSTRAINT "datasets_identity" UNIQUE("dataset_type_id","run_id","data_id")
);
--> statement-breakpoint
CREATE TABLE "quanta" (
	"id" uuid PRIMARY KEY NOT NULL,
	"run_id" integer NOT NULL,
	"task_label" text NOT NULL,
	"data_id" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quantum_inputs" (
	"quantum_id" uuid NOT NULL,
	"dataset_id" uuid NOT NULL,
	"connection" text NOT NULL,
	CONSTRAINT "quantum_inputs_quantum_id_dataset_id_pk" PRIMARY KEY("quantum_id","dataset_id")
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dim_day_obs" ADD CONSTRAINT "dim_day_obs_instrument_dim_instrument_name_fk" FOREIGN KEY ("instrument") REFERENCES "public"."dim_instrument"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dim_detector" ADD CONSTRAINT "dim_detector_instrument_dim_instrument_name_fk" FOREIGN KEY ("instrument") REFERENCES "public"."dim_instrument"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dim_patch" ADD CONSTRAINT "dim_patch_skymap_tract_dim_tract_skymap_id_fk" FOREIGN KEY ("skymap","tract") REFERENCES "public"."dim_tract"("skymap","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dim_physical_filter" ADD CONSTRAINT "dim_physical_filter_instrument_dim_instrument_name_fk" FOREIGN KEY ("instrument") REFERENCES "public"."dim_instrument"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dim_physical_filter" ADD CONSTRAINT "dim_physical_filter_band_dim_band_name_fk" FOREIGN KEY ("band") REFERENCES "public"."dim_band"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dim_tract" ADD CONSTRAINT "dim_tract_skymap_dim_skymap_name_fk" FOREIGN KEY ("skymap") REFERENCES "public"."dim_skymap"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dim_visit" ADD CONSTRAINT "dim_visit_instrument_dim_instrument_name_fk" FOREIGN KEY ("instrument") REFERENCES "public"."dim_instrument"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dim_visit" ADD CONSTRAINT "dim_visit_instrument_physical_filter_dim_physical_filter_instrument_name_fk" FOREIGN KEY ("instrument","physical_filter") REFERENCES "public"."dim_physical_filter"("instrument","name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dim_visit" ADD CONSTRAINT "dim_visit_instrument_day_obs_dim_day_obs_instrument_id_fk" FOREIGN KEY ("instrument","day_obs") REFERENCES "public"."dim_day_obs"("instrument","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_chain" ADD CONSTRAINT "collection_chain_parent_id_collections_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."collections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_chain" ADD CONSTRAINT "collection_chain_child_id_collections_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."collections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collections" ADD CONSTRAINT "collections_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dataset_calibs" ADD CONSTRAINT "dataset_calibs_collection_id_collections_id_fk" FOREIGN KEY ("collection_id") REFERENCES "public"."collections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dataset_calibs" ADD CONSTRAINT "dataset_calibs_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dataset_tags" ADD CONSTRAINT "dataset_tags_collection_id_collections_id_fk" FOREIGN KEY ("collection_id") REFERENCES "public"."collections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dataset_tags" ADD CONSTRAINT "dataset_tags_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_dataset_type_id_dataset_types_id_fk" FOREIGN KEY ("dataset_type_id") REFERENCES "public"."dataset_types"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_run_id_collections_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."collections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_quantum_id_quanta_id_fk" FOREIGN KEY ("quantum_id") REFERENCES "public"."quanta"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quanta" ADD CONSTRAINT "quanta_run_id_collections_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."collections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quantum_inputs" ADD CONSTRAINT "quantum_inputs_quantum_id_quanta_id_fk" FOREIGN KEY ("quantum_id") REFERENCES "public"."quanta"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quantum_inputs" ADD CONSTRAINT "quantum_inputs_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dataset_calibs_lookup_idx" ON "dataset_calibs" USING btree ("collection_id","dataset_type_id");--> statement-breakpoint
CREATE INDEX "dataset_calibs_dataset_idx" ON "dataset_calibs" USING btree ("dataset_id");--> statement-breakpoint
CREATE INDEX "dataset_tags_dataset_idx" ON "dataset_tags" USING btree ("dataset_id");--> statement-breakpoint
CREATE INDEX "datasets_run_type_idx" ON "datasets" USING btree ("run_id","dataset_type_id");--> statement-breakpoint
CREATE INDEX "datasets_dims_gin" ON "datasets" USING gin ("dims" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "quanta_run_idx" ON "quanta" USING btree ("run_id","task_label");--> statement-breakpoint
CREATE INDEX "quantum_inputs_dataset_idx" ON "quantum_inputs" USING btree ("dataset_id");