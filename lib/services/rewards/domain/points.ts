/** One point per whole currency unit spent (amounts are in cents). */
export const pointsFor = (amountInCents: number): number => Math.floor(amountInCents / 100);

/**
 * A customer's running total of points is split over this many items, each award adding to the one
 * its order id picks: a business customer placing many orders at once never meets itself on one
 * item (DynamoDB cancels concurrent transactions on one item). The balance is their sum.
 */
export const POINTS_SHARDS = 8;
