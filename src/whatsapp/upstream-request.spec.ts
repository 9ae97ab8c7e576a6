import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { upstreamRequest } from './upstream-request.js';

describe('upstreamRequest (a real HTTP server)', () => {
  let server: Server;
  let url: string;
  const agent = new Agent();
  /** Paths of the requests the server answered (the drip excepted). */
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/drip') {
        response.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => response.write(' '), 20);
        response.on('close', () => clearInterval(timer));
        return;
      }
      seen.push(request.url ?? '');
      if (request.url === '/large') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('x'.repeat(4096));
        setTimeout(() => response.end('y'.repeat(8192)), 20);
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"messages":[{"id":"wamid.1"}]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await agent.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads a prompt answer', async () => {
    const answer = await upstreamRequest(agent, { method: 'POST', url: `${url}/ok`, headers: {}, body: { a: 1 }, deadlineMs: 5_000, maxBodyBytes: 1024 });
    expect(answer).toEqual({ httpStatus: 200, rawBody: '{"messages":[{"id":"wamid.1"}]}', truncated: false });
  });

  it('reads an answer over the cap up to the cap only', async () => {
    const answer = await upstreamRequest(agent, { method: 'GET', url: `${url}/large`, headers: [], deadlineMs: 5_000, maxBodyBytes: 1024 });
    expect(answer).toEqual({ httpStatus: 200, rawBody: 'x'.repeat(1024), truncated: true });
  });

  it('never sends a call whose deadline passed while it waited for a connection', async () => {
    const single = new Agent({ connections: 1 });
    try {
      const hog = upstreamRequest(single, { method: 'GET', url: `${url}/drip`, headers: [], deadlineMs: 300, maxBodyBytes: 1024 });
      const queued = upstreamRequest(single, { method: 'POST', url: `${url}/queued`, headers: [], body: { a: 1 }, deadlineMs: 100, maxBodyBytes: 1024 });
      await expect(queued).rejects.toMatchObject({ name: 'TimeoutError' });
      await expect(hog).rejects.toMatchObject({ name: 'TimeoutError' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen).not.toContain('/queued');
    } finally {
      await single.close();
    }
  });

  it('ends an answer that drips a byte at a time at the deadline, with a TimeoutError', async () => {
    await expect(upstreamRequest(agent, { method: 'GET', url: `${url}/drip`, headers: {}, deadlineMs: 200, maxBodyBytes: 1024 })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });
});
