/** WebSocket close codes and reasons of the /ws protocol, shared by the server and the browser. */

/** The socket's credential ended; the reason says whether it expired or was revoked. */
export const CLOSE_SESSION_ENDED = 4001;
export const REASON_TOKEN_EXPIRED = "token expired";
export const REASON_SESSION_REVOKED = "session revoked";
