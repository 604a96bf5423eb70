import type { Projection } from '../../src/application/ports/projection.port.js';

/**
 * A projection of `Tick` events that counts how many times each event was applied (table `applied`,
 * view of the same name): any double delivery shows up as a count above 1.
 */
export const countingProjection = (name: string): Projection<'applied'> => ({
  name,
  version: 1,
  tables: ['applied'],
  eventTypes: ['Tick'],
  async createTables(tx, t) {
    await tx.query(`CREATE TABLE ${t.applied} (event_id uuid PRIMARY KEY, times int NOT NULL)`);
  },
  async applyBatch(tx, batch, t) {
    for (const event of batch) {
      await tx.query(
        `INSERT INTO ${t.applied} (event_id, times) VALUES ($1, 1)
         ON CONFLICT (event_id) DO UPDATE SET times = ${t.applied}.times + 1`,
        [event.id],
      );
    }
  },
});
