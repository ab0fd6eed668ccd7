/** Signed reader tokens live in src/tokens/ (the config reads DIGEST_SECRET); kept here for callers that import them from audience. */
export * from '../tokens/tokens.js';
