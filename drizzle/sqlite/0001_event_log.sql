CREATE TABLE `conversation_events` (
	`conversation_id` text NOT NULL,
	`seq` integer NOT NULL,
	`type` text NOT NULL,
	`message_id` text,
	`data` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`conversation_id`, `seq`),
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `conversation_events_created_at_idx` ON `conversation_events` (`created_at`);--> statement-breakpoint
INSERT INTO `conversation_events` (`conversation_id`, `seq`, `type`, `message_id`, `data`, `created_at`) SELECT `conversation_id`, `seq`, 'message', `id`, NULL, `created_at` FROM `messages`;
