/** `billing` → `BILLING`, `giftCards` → `GIFT_CARDS`: how a service's name appears in environment variables. */
export const envName = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
