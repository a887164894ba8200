-- Search folds case by Unicode, and splits words at punctuation, as SQLite's unicode61 does,
-- whatever the database's locale: under LC_CTYPE C, to_tsvector lower-cases ASCII only, so
-- "Москва" could not be found as "москва" (nor as "Москва": queries are lower-cased), and it
-- kept "3.14" or an e-mail address as one word. ICU's root collation lower-cases every script;
-- [[:punct:]] is ASCII punctuation under any locale. The queries use the same expression
-- (lib/db/pg/repository.ts).
DROP INDEX IF EXISTS "messages_content_search_idx";
--> statement-breakpoint
CREATE INDEX "messages_content_search_idx" ON "messages" USING gin (to_tsvector('simple', regexp_replace(lower("content" COLLATE "und-x-icu"), '[[:punct:]]', ' ', 'g')));
