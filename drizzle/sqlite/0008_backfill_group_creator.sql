-- Creators were not recorded before 0005_message_actions: a conversation's first message is taken as its creator's.
UPDATE conversations SET created_by = (
  SELECT sender_id FROM messages
  WHERE messages.conversation_id = conversations.id
  ORDER BY messages.seq
  LIMIT 1
)
WHERE created_by IS NULL;
