import { expect } from '@jest/globals';
import type { Decider } from '../../src/domain/shared/decider.js';
import { fold } from '../../src/domain/shared/decider.js';

/** given(events).when(command).then(events) / .thenThrows(code), for any decider. */
export const deciderSpec = <S, C, E>(decider: Decider<S, C, E>) => ({
  given: (history: E[]) => ({
    when: (command: C) => {
      const run = () => decider.decide(command, fold(decider, history));
      return {
        then: (expected: E[]) => expect(run()).toEqual(expected),
        thenThrows: (code: string) => expect(run).toThrow(expect.objectContaining({ code }) as never),
      };
    },
  }),
});
