'use strict';
/**
 * A local SQS for the queues that trigger functions (the sweep clock's delay queue): it takes
 * `SendMessage` and `SendMessageBatch` (the SDK's JSON protocol), keeps each message until its
 * `DelaySeconds` have passed, then invokes the function whose `sqs` event reads that queue, through
 * serverless offline's own Lambda runner, with the event Lambda's poller would send. Pending
 * messages are kept in a file, so a killed stack finds them again when it restarts, as SQS keeps
 * them through a Lambda outage; a message older than the queue's retention is dropped, as SQS
 * drops it. A batch whose handler fails is not retried here: on AWS it becomes visible again after
 * the visibility timeout, which for the clock's queue is also past its retention.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const md5 = (s) => crypto.createHash('md5').update(s, 'utf8').digest('hex');

/** The queue name of a queue URL (`http://host/<account>/<name>`). */
const queueNameOf = (url) => String(url).split('/').filter(Boolean).pop();

/**
 * The pending messages of every queue, persisted to `file` on each change.
 * @param {{ file: string, now?: () => number }} opts
 */
const pendingStore = ({ file, now = Date.now }) => {
  let pending = [];
  try {
    pending = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    pending = [];
  }
  const save = () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(pending));
  };
  return {
    all: () => [...pending],
    add(message) {
      pending.push(message);
      save();
    },
    remove(messageId) {
      pending = pending.filter((m) => m.messageId !== messageId);
      save();
    },
    now,
  };
};

/**
 * Starts the local SQS endpoint (on a free port unless `port` is given). Messages are delivered by
 * `deliver(queueName, message)` once `attach(deliver)` is called: the functions load after the
 * endpoint must be known (their environment names it).
 * @param {{ file: string, region?: string, accountId?: string, port?: number, retentionSecondsOf?: (queueName: string) => number, log?: (line: string) => void, now?: () => number, schedule?: (ms: number, fn: () => void) => unknown, cancel?: (timer: unknown) => void }} opts
 */
const startLocalQueues = async ({ file, region = 'us-east-1', accountId = '000000000000', port = 0, retentionSecondsOf = () => 345_600, log = () => {}, now = Date.now, schedule = (ms, fn) => setTimeout(fn, ms), cancel = clearTimeout }) => {
  const store = pendingStore({ file, now });
  const timers = new Map();
  let deliver;
  let stopped = false;

  const fire = async (message) => {
    timers.delete(message.messageId);
    store.remove(message.messageId);
    if (stopped || !deliver) return;
    if (now() - message.sentAt > retentionSecondsOf(message.queueName) * 1000) {
      log(`local sqs: ${message.queueName} dropped message ${message.messageId} past the queue's retention`);
      return;
    }
    try {
      await deliver(message.queueName, {
        messageId: message.messageId,
        receiptHandle: message.messageId,
        body: message.body,
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(message.sentAt), ApproximateFirstReceiveTimestamp: String(now()) },
        messageAttributes: {},
        md5OfBody: md5(message.body),
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${region}:${accountId}:${message.queueName}`,
        awsRegion: region,
      });
    } catch (error) {
      log(`local sqs: the trigger of ${message.queueName} failed on message ${message.messageId} (${error?.message ?? error})`);
    }
  };
  const arm = (message) => {
    const wait = Math.max(0, message.visibleAt - now());
    timers.set(message.messageId, schedule(wait, () => void fire(message)));
  };

  const accept = (queueUrl, { MessageBody, DelaySeconds }) => {
    const queueName = queueNameOf(queueUrl);
    const sentAt = now();
    const message = { messageId: crypto.randomUUID(), queueName, body: String(MessageBody), sentAt, visibleAt: sentAt + Math.max(0, Number(DelaySeconds) || 0) * 1000 };
    store.add(message);
    if (deliver) arm(message);
    return message;
  };

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const reply = (status, body) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(body));
      };
      let input;
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        return reply(400, { __type: 'com.amazonaws.sqs#InvalidRequest', message: 'body is not JSON' });
      }
      const target = String(req.headers['x-amz-target'] || '');
      if (target === 'AmazonSQS.SendMessage') {
        const m = accept(input.QueueUrl, input);
        return reply(200, { MessageId: m.messageId, MD5OfMessageBody: md5(m.body) });
      }
      if (target === 'AmazonSQS.SendMessageBatch') {
        const Successful = (input.Entries || []).map((entry) => {
          const m = accept(input.QueueUrl, entry);
          return { Id: entry.Id, MessageId: m.messageId, MD5OfMessageBody: md5(m.body) };
        });
        return reply(200, { Successful, Failed: [] });
      }
      return reply(400, { __type: 'com.amazonaws.sqs#UnsupportedOperation', message: `local sqs: ${target || 'this operation'} is not emulated` });
    });
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${server.address().port}`;

  return {
    endpoint,
    /** The URL of a queue, as `Ref` of an `AWS::SQS::Queue` gives it on AWS. */
    queueUrl: (queueName) => `${endpoint}/${accountId}/${queueName}`,
    attach(fn) {
      deliver = fn;
      for (const message of store.all()) arm(message);
    },
    pending: () => store.all(),
    stop: async () => {
      stopped = true;
      for (const timer of timers.values()) cancel(timer);
      timers.clear();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
};

module.exports = { startLocalQueues, queueNameOf };
