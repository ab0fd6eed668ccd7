/** The process entry of the `digest` command (bin/digest.js loads the compiled copy). */
import { main } from './main.js';

process.exitCode = await main(process.argv);
