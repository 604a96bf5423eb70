/**
 * What the providers of this process have opened and started so far, newest last. A start that fails half
 * way (a broker or KurrentDB that does not answer, a consumer that cannot start) leaves Nest's instances
 * out of reach — createApplicationContext returns nothing to close — so the process bootstrap closes them
 * through this list. Once started, the modules' shutdown hooks own them.
 */
export class StartupResources {
  private readonly opened: { name: string; close: () => Promise<void> | void }[] = [];

  add(name: string, close: () => Promise<void> | void): void {
    this.opened.push({ name, close });
  }

  /** Closes everything opened, newest first; a failure is reported and the rest still close. */
  async closeAll(report: (name: string, error: unknown) => void): Promise<void> {
    for (const { name, close } of this.opened.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        report(name, error);
      }
    }
  }
}
