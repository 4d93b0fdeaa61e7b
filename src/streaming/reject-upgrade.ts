/** Refusing an upgrade request, kept apart from upgrade.ts so refusals do not load the WebSocket stack. */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { statusFor } from '../apiserver/status.js';

/**
 * A plain HTTP answer on a socket that has not been upgraded (yet): a Status, then close. Exported for
 * the API server's `upgrade` listener, whose own refusals (authentication, unknown pod) come first.
 */
export function rejectUpgrade(socket: Duplex, err: unknown): void {
  if (socket.destroyed || !socket.writable) return;
  const status = statusFor(err);
  const body = JSON.stringify(status);
  const reason = STATUS_CODES[status.code] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${status.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}
