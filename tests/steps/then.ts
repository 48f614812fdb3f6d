/**
 * "Then" steps shared by every test tier: assertions that return what they checked, so a test can
 * go on asserting on it.
 */

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** Runs `act`, asserts it threw an instance of `type` and returns that error. */
export const expectToThrow = <E extends Error>(act: () => unknown, type: ErrorClass<E>): E => {
  let thrown: unknown;
  try {
    act();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(type);
  return thrown as E;
};

/** Awaits `act`, asserts it rejected with an instance of `type` and returns that error. */
export const expectToReject = async <E extends Error>(act: () => Promise<unknown>, type: ErrorClass<E>): Promise<E> => {
  let thrown: unknown;
  try {
    await act();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(type);
  return thrown as E;
};

/** The `path` of each `{ path, message }` detail of a domain error. */
export const pathsOf = (error: { details: { path: string }[] }): string[] => error.details.map((d) => d.path);

/** Asserts `value` is a version-4 UUID. */
export const expectUuid = (value: unknown): void => {
  expect(value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
};
