/** Clean and trim, loaded together by buildDigest once there is an item to clean (see build-digest.ts). */
export { cleanArticle } from '../clean/clean-article.js';
export { countWords } from '../text/plain-text.js';
export { extractCleaned } from '../trim/extract-article.js';
export { buildStory, feedArticle, wordCount } from './build-story.js';
export { measureImages } from './measure-images.js';
