CREATE TABLE "healpix_pyramid" (
	"collection_id" integer NOT NULL,
	"order" smallint NOT NULL,
	"pixel" bigint NOT NULL,
	"count" integer NOT NULL,
	"flux_sum" double precision NOT NULL,
	"flux_sum_sq" double precision NOT NULL,
	"flux_min" double precision NOT NULL,
	"flux_max" double precision NOT NULL,
	CONSTRAINT "healpix_pyramid_collection_id_order_pixel_pk" PRIMARY KEY("collection_id","order","pixel"),
	CONSTRAINT "healpix_pyramid_order_check" CHECK ("healpix_pyramid"."order" BETWEEN 0 AND 29),
	CONSTRAINT "healpix_pyramid_count_check" CHECK ("healpix_pyramid"."count" > 0)
);
--> statement-breakpoint
ALTER TABLE "healpix_pyramid" ADD CONSTRAINT "healpix_pyramid_collection_id_collections_id_fk" FOREIGN KEY ("collection_id") REFERENCES "public"."collections"("id") ON DELETE cascade ON UPDATE no action;