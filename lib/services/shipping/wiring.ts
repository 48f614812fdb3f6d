import { dynamoDbClient } from '../../platform/adapters/dynamodb/client';
import { config } from '../../config';
import { systemClock } from '../../platform/ports';
import { ShippingRepository } from './adapters/shipping-repository';
import type { Carrier } from './domain/shipment';
import carrierCountries from './carrier-countries.json';

/** The demo carrier: it serves the countries listed in carrier-countries.json. */
export const demoCarrier = (): Carrier => {
  const served = new Set(carrierCountries.countries);
  return { name: carrierCountries.carrier, serves: (country) => served.has(country) };
};

/** Composition root of the shipping service's consumers. */
export const shippingDeps = () => ({ shipping: new ShippingRepository(dynamoDbClient(), { shipments: config.shipmentsTable() }), carrier: demoCarrier(), clock: systemClock });
