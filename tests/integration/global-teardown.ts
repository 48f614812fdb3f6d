export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __DYNAMODB__?: { stop: () => Promise<void> } }).__DYNAMODB__?.stop();
}
