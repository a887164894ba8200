CREATE TABLE `instances` (
	`id` text PRIMARY KEY NOT NULL,
	`seen_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `presence` (
	`instance_id` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`instance_id`, `user_id`),
	FOREIGN KEY (`instance_id`) REFERENCES `instances`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `presence_user_idx` ON `presence` (`user_id`);--> statement-breakpoint
ALTER TABLE `users` ADD `last_seen_at` text;