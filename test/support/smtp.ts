import { createServer, type AddressInfo, type Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMessage {
  /** SMTP MAIL FROM (the envelope sender, where bounces go). */
  envelopeFrom: string;
  envelopeTo: string[];
  raw: Buffer;
  parsed: ParsedMail;
  /** performance.now() when the message's data had arrived. */
  receivedAt: number;
  /** The account the sender logged in as (servers with `users` or `auth`). */
  user?: string | undefined;
}

export interface TestSmtpServer {
  url: string;
  port: number;
  messages: ReceivedMessage[];
  /** How many RCPT TO each address got (including rejected ones). */
  attempts: Map<string, number>;
  /** Client connections open now, and the most that were open at once. */
  connections: { open: number; most: number; total: number };
  close(): Promise<void>;
  /** Goes down at once, as a crashed server does: stops listening and cuts every open connection. */
  halt(): Promise<void>;
}

export interface SmtpBehaviour {
  /** Return an SMTP reply code to refuse a recipient (550 permanent, 451 temporary), or undefined to accept. */
  rejectRecipient?: (address: string, attempt: number) => { code: number; message: string } | undefined;
  /** Called for each message once its data arrived; return 'drop' to hang up instead of replying. */
  onMessage?: (count: number, envelopeTo: string[]) => 'drop' | undefined;
  /** Called right after a message was accepted (the 250 reply is on its way). */
  afterAccept?: (count: number, envelopeTo: string[], user: string | undefined) => void;
  /** Holds each message's reply until this resolves (a slow server). */
  beforeReply?: (count: number, user: string | undefined) => Promise<void>;
  /** Keep the raw message and its parsed form (default); false keeps only envelopes and times, for big runs. */
  keepMessages?: boolean;
  auth?: { user: string; pass: string };
  /** Further accounts that may log in (user → password): tell senders apart by the user they log in as. */
  users?: Record<string, string>;
  /** Listen on this port (one a test found closed, to bring a "down" server up); default any free port. */
  port?: number;
}

/** A real SMTP server on 127.0.0.1 (port 0), collecting and parsing what it receives. */
export async function startSmtpServer(behaviour: SmtpBehaviour = {}): Promise<TestSmtpServer> {
  const messages: ReceivedMessage[] = [];
  const attempts = new Map<string, number>();
  const connections = { open: 0, most: 0, total: 0 };
  let received = 0;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: behaviour.auth || behaviour.users ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !behaviour.auth && !behaviour.users,
    allowInsecureAuth: true,
    logger: false,
    onConnect(_session, callback) {
      connections.open++;
      connections.total++;
      connections.most = Math.max(connections.most, connections.open);
      callback();
    },
    onClose() {
      connections.open--;
    },
    onAuth(auth, _session, callback) {
      const known = (behaviour.auth && auth.username === behaviour.auth.user && auth.password === behaviour.auth.pass) || (auth.username !== undefined && behaviour.users?.[auth.username] === auth.password);
      if (known) callback(null, { user: auth.username });
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
        const count = ++received;
        const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
        const receivedAt = performance.now();
        if (behaviour.onMessage?.(count, envelopeTo) === 'drop') {
          // Hang up without accepting: the client sees a dropped connection.
          for (const connection of openConnections()) if (connection.session?.id === session.id) connection._socket.destroy();
          return;
        }
        const raw = Buffer.concat(chunks);
        const accept = (parsed: ParsedMail) => {
          const mailFrom = session.envelope.mailFrom;
          const envelopeFrom = mailFrom ? mailFrom.address : '';
          messages.push({ envelopeFrom, envelopeTo, raw: behaviour.keepMessages === false ? Buffer.alloc(0) : raw, parsed, receivedAt, user: session.user as string | undefined });
          callback();
          behaviour.afterAccept?.(count, envelopeTo, session.user as string | undefined);
        };
        (behaviour.beforeReply?.(count, session.user as string | undefined) ?? Promise.resolve())
          .then(() => (behaviour.keepMessages === false ? ({} as ParsedMail) : simpleParser(raw)))
          .then(accept)
          .catch((error: Error) => callback(error));
      });
    },
  });
  function openConnections() {
    return (server as unknown as { connections: Set<{ session?: { id: string }; _socket: { destroy(): void } }> }).connections;
  }
  // A client that dies mid-session (the crash tests kill it) resets its connection: expected.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(behaviour.port ?? 0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const credentials = behaviour.auth ? `${behaviour.auth.user}:${behaviour.auth.pass}@` : '';
  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    port,
    messages,
    attempts,
    connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    halt: () =>
      new Promise<void>((resolve) => {
        server.server.close(() => resolve());
        for (const connection of openConnections()) connection._socket.destroy();
      }),
  };
}

/** A server that accepts connections and never says a word: a hung mail server. */
export async function startSilentServer(): Promise<{ url: string; close(): Promise<void>; connections(): number }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A TCP port on 127.0.0.1 with nothing listening (connections are refused). */
export async function closedPort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const port = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}
