import { migrate } from '../../../src/infrastructure/database/migrations.js';
import { PostgresDatabase } from '../../../src/infrastructure/database/postgres.database.js';
import { PgAppendNotifier } from '../../../src/infrastructure/event-store/pg-append-notifier.js';
import { eventStoreMigrations } from '../../../src/infrastructure/event-store/sql-event-store.schema.js';
import { SqlEventStore } from '../../../src/infrastructure/event-store/sql.event-store.js';
import { createPostgresDatabaseUrl } from '../../support/databases.js';
import { testLogger } from '../../support/logger.js';
import { eventStoreContract } from './event-store.contract.js';

eventStoreContract('PostgreSQL', async () => {
  const url = await createPostgresDatabaseUrl();
  const db = new PostgresDatabase(url);
  await migrate(db, eventStoreMigrations);
  let notifier: PgAppendNotifier | null = null;
  const store = new SqlEventStore(db, { onAppended: () => notifier?.publish() });
  notifier = new PgAppendNotifier(url, db.pool, store.signal, testLogger());
  await notifier.start();
  return {
    store,
    close: async () => {
      await store.close();
      await notifier?.close();
      await db.close();
    },
  };
});
