// The HTTP side of forwarding, against a small stub server (the real server is
// exercised in test/agent-forwarding.test.ts).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { deviceRequestMessage, verifyBytes } from '@haulproof/contracts/signing';
import { journalFixture, ticketBody } from '../journal/test-fixtures.js';
import type { SqliteJournal } from '../journal/journal.js';
import { HttpIngestTransport, INGEST_PATH, interpret } from './ingest-client.js';

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

let server: Server;
let url: string;
let seen: Seen[] = [];
let reply: { status: number; body: string } = { status: 200, body: '{"results":[]}' };
let f: ReturnType<typeof journalFixture>;
let journal: SqliteJournal;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  f = journalFixture();
  journal = f.make();
  journal.start();
  for (let i = 1; i <= 3; i++) journal.appendTicket(ticketBody(i));
});

afterAll(async () => {
  journal.stop();
  f.remove();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  seen = [];
});

const transport = (serverUrl = url) => new HttpIngestTransport({ serverUrl, device: { code: 'DEV-TEST', privateKey: f.key.privateKey } });

describe('HttpIngestTransport', () => {
  test('posts the records as stored and signs exactly the body bytes it sends', async () => {
    const entries = journal.unacked(10);
    reply = { status: 200, body: JSON.stringify({ results: entries.map((e) => ({ seq: e.seq, status: 'accepted', hash: e.hash, ticketId: 'x', receivedAt: '2025-03-14T02:00:00.000Z' })) }) };
    const answer = await transport().send(entries);
    expect(answer).toEqual({ kind: 'ok', results: expect.arrayContaining([expect.objectContaining({ seq: 3, status: 'accepted' })]) });
    const req = seen[0]!;
    expect([req.method, req.path, req.headers['content-type']]).toEqual(['POST', INGEST_PATH, 'application/json']);
    expect(JSON.parse(req.body.toString())).toEqual({ records: entries.map((e) => ({ canonical: e.canonical.toString('base64'), signature: e.signature.toString('base64') })) });
    const m = /^Haulproof-Device device="DEV-TEST", ts="([^"]+)", sig="([^"]+)"$/.exec(req.headers.authorization ?? '');
    expect(m).not.toBeNull();
    expect(verifyBytes(f.key.publicKey, deviceRequestMessage('POST', INGEST_PATH, m![1]!, req.body), Buffer.from(m![2]!, 'base64'))).toBe(true);
  });

  test('a dead port is a network failure, not an exception', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const answer = await transport(`http://127.0.0.1:${port}`).send(journal.unacked(1));
    expect(answer).toEqual({ kind: 'failed', status: null, message: expect.stringMatching(/ECONNREFUSED/) });
  });

  test('a 409 carries kind, failedSeq, chainHead and the partial results', async () => {
    const e = journal.unacked(1)[0]!;
    reply = { status: 409, body: JSON.stringify({ message: 'seq 2 of device DEV-TEST is already in the ledger with different content', kind: 'SEQ_CONFLICT', failedSeq: 2, chainHead: { seq: 5, hash: 'a'.repeat(64) }, results: [{ seq: 1, status: 'duplicate', hash: e.hash, ticketId: 'x', receivedAt: 'r' }], correlationId: 'c' }) };
    expect(await transport().send(journal.unacked(3))).toEqual({
      kind: 'rejected',
      status: 409,
      reason: 'SEQ_CONFLICT',
      message: 'seq 2 of device DEV-TEST is already in the ledger with different content',
      failedSeq: 2,
      chainHead: { seq: 5, hash: 'a'.repeat(64) },
      results: [{ seq: 1, status: 'duplicate', hash: e.hash, ticketId: 'x', receivedAt: 'r' }],
    });
  });
});

describe('interpret', () => {
  test('answers that carry nothing usable are failures with the server message', () => {
    expect(interpret(403, '{"message":"device DEV-TEST is SUSPENDED; only ACTIVE devices may send","correlationId":"c"}')).toEqual({ kind: 'failed', status: 403, message: 'HTTP 403: device DEV-TEST is SUSPENDED; only ACTIVE devices may send' });
    expect(interpret(502, '<html>Bad Gateway</html>')).toEqual({ kind: 'failed', status: 502, message: 'HTTP 502: <html>Bad Gateway</html>' });
    expect(interpret(200, '{"results":[{"seq":"one"}]}')).toMatchObject({ kind: 'failed', status: 200 });
    expect(interpret(422, '{"message":"REJECTED","kind":"REJECTED_RECORD","failedSeq":4}')).toEqual({ kind: 'rejected', status: 422, reason: 'REJECTED_RECORD', message: 'REJECTED', failedSeq: 4, chainHead: null, results: [] });
  });
});
