/** One point per whole currency unit spent (amounts are in cents). */
export const pointsFor = (amountInCents: number): number => Math.floor(amountInCents / 100);
