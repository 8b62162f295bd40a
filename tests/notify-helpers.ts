// A webhook receiver on 127.0.0.1 for the notification tests: answers 200, 500, or too slowly;
// a "down" webhook is a port nothing listens on.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedHook {
  path: string;
  contentType: string | undefined;
  body: Record<string, unknown>;
  raw: string;
}

export interface WebhookServer {
  url: string;
  received: ReceivedHook[];
  /** Requests seen, including those answered too late or with 500. */
  hits: number;
  close(): Promise<void>;
}

/** `ok`: 200; `error`: 500; `slow`: answers after `delayMs` (beyond the client's timeout); `endless`: 200 and a body that never ends. */
export async function startWebhook(mode: "ok" | "error" | "slow" | "endless", delayMs = 2000, errorStatus = 500): Promise<WebhookServer> {
  const state: WebhookServer = { url: "", received: [], hits: 0, close: async () => undefined };
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (raw += chunk));
    req.on("end", () => {
      state.hits++;
      if (mode === "endless") {
        res.writeHead(200, { "content-type": "application/octet-stream" });
        const timer = setInterval(() => res.write(Buffer.alloc(64 * 1024)), 5);
        timers.add(timer);
        res.on("close", () => clearInterval(timer));
        return;
      }
      if (mode === "ok") state.received.push({ path: req.url ?? "", contentType: req.headers["content-type"], body: JSON.parse(raw) as Record<string, unknown>, raw });
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(mode === "error" ? errorStatus : 200, { "content-type": "text/plain" });
        res.end(mode === "error" ? "boom" : "ok");
      };
      if (mode === "slow") {
        const timer = setTimeout(answer, delayMs);
        timers.add(timer);
      } else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}`;
  state.close = () =>
    new Promise((resolve) => {
      for (const timer of timers) clearInterval(timer);
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** A URL on 127.0.0.1 where nothing listens (connection refused). */
export async function downUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
