import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { upstreamRequest } from './upstream-request.js';

describe('upstreamRequest (a real HTTP server)', () => {
  let server: Server;
  let url: string;
  const agent = new Agent();

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/drip') {
        response.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => response.write(' '), 20);
        response.on('close', () => clearInterval(timer));
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

  it('ends an answer that drips a byte at a time at the deadline, with a TimeoutError', async () => {
    await expect(upstreamRequest(agent, { method: 'GET', url: `${url}/drip`, headers: {}, deadlineMs: 200, maxBodyBytes: 1024 })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });
});
