CREATE TABLE "conversation_events" (
	"conversation_id" text NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"message_id" text,
	"data" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "conversation_events_conversation_id_seq_pk" PRIMARY KEY("conversation_id","seq")
);
--> statement-breakpoint
ALTER TABLE "conversation_events" ADD CONSTRAINT "conversation_events_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_events" ADD CONSTRAINT "conversation_events_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversation_events_created_at_idx" ON "conversation_events" USING btree ("created_at");--> statement-breakpoint
INSERT INTO "conversation_events" ("conversation_id", "seq", "type", "message_id", "data", "created_at") SELECT "conversation_id", "seq", 'message', "id", NULL, "created_at" FROM "messages";
