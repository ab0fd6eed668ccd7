import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * The package's root folder (where templates/ and feeds/ ship). This file sits two levels below
 * it both as source (src/config/) and compiled (dist/config/).
 */
export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
