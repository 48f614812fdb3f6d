export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __STACK__?: { stop: () => Promise<void> } }).__STACK__?.stop();
}
