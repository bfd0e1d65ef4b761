ALTER TABLE "quanta" ADD COLUMN "timings" jsonb;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "task_timings" jsonb DEFAULT '{}'::jsonb NOT NULL;