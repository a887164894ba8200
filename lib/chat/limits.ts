/** Limits of the domain, apart from the schemas so that browser code can use them without zod. */

export const MAX_MESSAGE_LENGTH = 4000;
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;
