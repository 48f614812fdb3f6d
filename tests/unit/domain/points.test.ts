import { pointsFor } from '../../../lib/services/rewards/domain/points';

describe('pointsFor (one point per whole currency unit; amounts in cents)', () => {
  it.each([
    [0, 0],
    [1, 0],
    [99, 0],
    [100, 1],
    [199, 1],
    [200, 2],
    [3000, 30],
    [123_456, 1234],
  ])('awards %i cents with %i points', (amountInCents, points) => {
    // Act
    const awarded = pointsFor(amountInCents);

    // Assess
    expect(awarded).toBe(points);
  });

  it('never awards a fraction of a point', () => {
    // Prepare
    const amounts = Array.from({ length: 1000 }, (_, i) => i * 7 + 3);

    // Act
    const awarded = amounts.map(pointsFor);

    // Assess
    expect(awarded.every(Number.isInteger)).toBe(true);
    expect(awarded.every((points, i) => points * 100 <= amounts[i]! && amounts[i]! < (points + 1) * 100)).toBe(true);
  });
});
