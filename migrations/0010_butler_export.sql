CREATE TABLE "butler_kept" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"key" text DEFAULT '' NOT NULL,
	"fields" jsonb NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "butler_kept_identity" UNIQUE("kind","name","key")
);
