-- The stored words of 0010, split as SQLite's unicode61 splits them: at every character that is
-- not a letter or digit by ICU (non-breaking and other spaces, zero-width characters, symbols,
-- emoji, "~"), where 0010 split at ASCII punctuation only; and with a final sigma read as σ, as
-- SQLite's case fold does. The marks of U+0300–U+036F are dropped before the split, so an
-- accent never parts a word. The queries fold the same way (lib/db/pg/repository.ts).
DROP INDEX IF EXISTS "messages_search_words_idx";
--> statement-breakpoint
ALTER TABLE "messages" DROP COLUMN IF EXISTS "search_words";
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "search_words" tsvector GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace(regexp_replace(translate(normalize(lower("content" COLLATE "und-x-icu"), NFD), 'ς', 'σ'), '[\u0300-\u036f]', '', 'g'), '[^[:alnum:]]', ' ', 'g'))) STORED;
--> statement-breakpoint
CREATE INDEX "messages_search_words_idx" ON "messages" USING gin ("search_words");
