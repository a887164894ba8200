/** Limits of the domain, apart from the schemas so that browser code can use them without zod. */

export const MAX_MESSAGE_LENGTH = 4000;
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_SEARCH_LENGTH = 200;
export const MAX_SEARCH_PAGE = 100;
export const DEFAULT_SEARCH_PAGE = 20;
/** More words than this in one search only slow it down; the rest are ignored. */
export const MAX_SEARCH_TERMS = 8;
