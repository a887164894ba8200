-- Search folds diacritics on PostgreSQL too, as SQLite's unicode61 tokenizer does: "ecole"
-- finds "école", and "café" finds "cafe". The content is decomposed (NFD) after the case fold
-- of 0009, and the combining diacritical marks (U+0300–U+036F) dropped; normalize() is
-- immutable, so no extension is needed.
-- The words are stored, in a generated column outside the Drizzle schema (as SQLite's FTS5
-- table is): the planner often reads a searcher's conversations and tests each of their
-- messages rather than the index, and computing the words of each message then cost up to
-- 80 ms a query on 1 M messages. The queries fold the same way (lib/db/pg/repository.ts).
ALTER TABLE "messages" ADD COLUMN "search_words" tsvector GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace(regexp_replace(normalize(lower("content" COLLATE "und-x-icu"), NFD), '[\u0300-\u036f]', '', 'g'), '[[:punct:]]', ' ', 'g'))) STORED;
--> statement-breakpoint
DROP INDEX IF EXISTS "messages_content_search_idx";
--> statement-breakpoint
CREATE INDEX "messages_search_words_idx" ON "messages" USING gin ("search_words");
