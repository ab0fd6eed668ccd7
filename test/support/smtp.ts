import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMessage {
  envelopeTo: string[];
  raw: Buffer;
  parsed: ParsedMail;
}

export interface TestSmtpServer {
  url: string;
  port: number;
  messages: ReceivedMessage[];
  /** How many RCPT TO each address got (including rejected ones). */
  attempts: Map<string, number>;
  close(): Promise<void>;
}

export interface SmtpBehaviour {
  /** Return an SMTP reply code to refuse a recipient (550 permanent, 451 temporary), or undefined to accept. */
  rejectRecipient?: (address: string, attempt: number) => { code: number; message: string } | undefined;
  /** Called for each accepted message; return 'drop' to hang up instead of replying. */
  onMessage?: (count: number) => 'drop' | undefined;
  auth?: { user: string; pass: string };
}

/** A real SMTP server on 127.0.0.1 (port 0), collecting and parsing what it receives. */
export async function startSmtpServer(behaviour: SmtpBehaviour = {}): Promise<TestSmtpServer> {
  const messages: ReceivedMessage[] = [];
  const attempts = new Map<string, number>();
  let received = 0;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: behaviour.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !behaviour.auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (behaviour.auth && auth.username === behaviour.auth.user && auth.password === behaviour.auth.pass) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback) {
      const key = address.address.toLowerCase();
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      const reject = behaviour.rejectRecipient?.(key, attempt);
      if (reject) callback(Object.assign(new Error(reject.message), { responseCode: reject.code }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received++;
        if (behaviour.onMessage?.(received) === 'drop') {
          // Hang up without accepting: the client sees a dropped connection.
          const connections = (server as unknown as { connections: Set<{ session?: { id: string }; _socket: { destroy(): void } }> }).connections;
          for (const connection of connections) if (connection.session?.id === session.id) connection._socket.destroy();
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            messages.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), raw, parsed });
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const credentials = behaviour.auth ? `${behaviour.auth.user}:${behaviour.auth.pass}@` : '';
  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    port,
    messages,
    attempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
