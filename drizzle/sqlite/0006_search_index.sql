-- Full-text search over message content: an external-content FTS5 index keyed by the messages
-- table's rowid (the app never runs VACUUM, which may renumber rowids; if it ever does,
-- INSERT INTO messages_fts(messages_fts) VALUES('rebuild') restores the index). The triggers
-- keep it in step with every insert, edit and deletion, in the same transaction.
CREATE VIRTUAL TABLE `messages_fts` USING fts5(`content`, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `messages_fts_insert` AFTER INSERT ON `messages` BEGIN
  INSERT INTO `messages_fts`(rowid, `content`) VALUES (new.rowid, new.`content`);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages` BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `content`) VALUES ('delete', old.rowid, old.`content`);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_update` AFTER UPDATE OF `content` ON `messages` BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `content`) VALUES ('delete', old.rowid, old.`content`);
  INSERT INTO `messages_fts`(rowid, `content`) VALUES (new.rowid, new.`content`);
END;
--> statement-breakpoint
INSERT INTO `messages_fts`(`messages_fts`) VALUES ('rebuild');
