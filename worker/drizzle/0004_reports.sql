CREATE TABLE "reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"valuation_hash" text NOT NULL,
	"ts_code" text,
	"valuation_date" text NOT NULL,
	"language" text NOT NULL,
	"generator" text NOT NULL,
	"content" text NOT NULL,
	"verification" jsonb NOT NULL,
	"grounding" jsonb NOT NULL,
	"prompt_tokens" integer,
	"completion_tokens" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "reports_cache_idx" ON "reports" USING btree ("user_id","valuation_hash","language","generator");--> statement-breakpoint
CREATE INDEX "reports_user_created_idx" ON "reports" USING btree ("user_id","created_at");