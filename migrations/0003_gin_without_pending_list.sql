DROP INDEX "datasets_dims_gin";--> statement-breakpoint
CREATE INDEX "datasets_dims_gin" ON "datasets" USING gin ("dims" jsonb_path_ops) WITH (fastupdate=false);