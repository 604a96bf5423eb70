import { InProcessJobBus } from '../../../src/infrastructure/jobs/in-process.job-bus.js';
import { testLogger } from '../../support/logger.js';
import { jobBusContract } from './job-bus.contract.js';

// Each open() is its own queue: the in-process bus is not shared between processes (durable: false).
jobBusContract('in-process', {
  durable: false,
  open: async () => new InProcessJobBus(testLogger()),
  nextTest: () => undefined,
});
