/**
 * Names for the delivery queue that any command may print without loading the queue's libraries.
 */

/** The Redis URL without user name and password, for messages, logs and the ledger. */
export function describeRedis(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString().replace(/\/$/, '');
}

/** How a run names the queue it was handed to: `<queueName>@<redis without credentials>`. */
export function queueLabel(url: string, queueName: string): string {
  return `${queueName}@${describeRedis(url)}`;
}
