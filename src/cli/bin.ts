/** The process entry of the `digest` command (bin/digest.js loads the compiled copy). */
import { main } from './main.js';

// `digest runs | head -1`: the reader has gone. Nothing more can be said to it; stop quietly with
// the exit code so far instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv);
