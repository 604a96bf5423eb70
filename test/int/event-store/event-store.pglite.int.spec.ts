import { migrate } from '../../../src/infrastructure/database/migrations.js';
import { openTemplatePglite } from '../../support/pglite-template.js';
import { eventStoreMigrations } from '../../../src/infrastructure/event-store/sql-event-store.schema.js';
import { SqlEventStore } from '../../../src/infrastructure/event-store/sql.event-store.js';
import { eventStoreContract } from './event-store.contract.js';

eventStoreContract('PGlite', async () => {
  const db = await openTemplatePglite();
  await migrate(db, eventStoreMigrations);
  const store = new SqlEventStore(db);
  return { store, close: async () => (await store.close(), await db.close()) };
});
