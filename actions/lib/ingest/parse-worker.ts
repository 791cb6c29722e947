// A parse worker (see parse-pool.ts): parses the objects the loader's thread sends, one message each,
// and answers with the batch's columns transferred, or the error's name and message.
import { parentPort } from 'node:worker_threads';
import { describeError } from '../errors.ts';
import { parseObject } from './parse-object.ts';
import type { ParseReply, ParseRequest } from './parse-pool.ts';

const port = parentPort;
if (port === null) throw new Error('parse-worker.ts runs as a worker thread only');

port.on('message', async (request: ParseRequest) => {
  let reply: ParseReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const batch = await parseObject(
      request.bytes,
      request.object,
      request.intervalStart,
      request.limits,
    );
    const message = batch.toMessage();
    reply = { id: request.id, ok: true, batch: message.message };
    transfer = message.transfer;
  } catch (error) {
    reply = {
      id: request.id,
      ok: false,
      name: error instanceof Error ? error.name : 'Error',
      message: describeError(error),
    };
  }
  port.postMessage(reply, transfer);
});
