-- Full-text search over message content: a GIN index on the same expression the queries use
-- (lib/db/pg/repository.ts), so PostgreSQL keeps it in step with every edit and deletion.
-- 'simple' neither stems nor drops stop words, matching SQLite's unicode61 tokenizer.
CREATE INDEX "messages_content_search_idx" ON "messages" USING gin (to_tsvector('simple', "content"));
