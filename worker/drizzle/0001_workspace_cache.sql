CREATE TABLE "stock_data_version" (
	"ts_code" text PRIMARY KEY NOT NULL,
	"version" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "valuation_cache" (
	"key" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"ts_code" text,
	"body" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"fresh_until" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "valuation_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"ts_code" text,
	"valuation_date" text NOT NULL,
	"inputs" jsonb NOT NULL,
	"result_summary" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "watchlist" (
	"user_id" text NOT NULL,
	"ts_code" text NOT NULL,
	"target_margin_of_safety" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "watchlist_pk" PRIMARY KEY("user_id","ts_code"),
	CONSTRAINT "watchlist_target_range" CHECK ("watchlist"."target_margin_of_safety" > -1 and "watchlist"."target_margin_of_safety" < 1)
);
--> statement-breakpoint
CREATE TABLE "workspace" (
	"user_id" text PRIMARY KEY NOT NULL,
	"inputs" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"result_summary" jsonb,
	"ui_state" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "valuation_cache_ts_code_idx" ON "valuation_cache" USING btree ("ts_code");--> statement-breakpoint
CREATE INDEX "valuation_cache_expires_at_idx" ON "valuation_cache" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "valuation_history_user_created_idx" ON "valuation_history" USING btree ("user_id","created_at","id");