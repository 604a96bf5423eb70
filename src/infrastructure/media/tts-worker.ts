/**
 * Body of a text2wav worker thread. It is shipped as source text (`ttsWorkerSource`) so that it runs the
 * same from dist and from Jest's on-the-fly TypeScript; it must therefore not use anything from this
 * module's scope, only what it gets through its arguments.
 *
 * text2wav's own wrapper is slow and unsafe in a server: it recompiles the WebAssembly on every call,
 * keeps Emscripten's default `quit` (process.exit(1) on an unknown voice), and lets espeak scan all
 * ~280 voice files of its data folder through the emulated file system before every utterance. Here the
 * module is compiled once; `quit` rejects the job; espeak sees an in-memory data folder holding only the
 * files our voices use (measured: ~30 ms instead of ~100 ms of start-up per call); the WAV is written
 * through to a real folder, because Emscripten's in-memory files grow byte by byte once appended to; and
 * the process listeners Emscripten adds on each instantiation are removed again.
 */
export interface TtsJob {
  id: number;
  args: string[];
}

export type TtsReply = { id: number; wav: Uint8Array } | { id: number; error: string };

export interface TtsWorkerConfig {
  libDir: string;
  dataDir: string;
  /** Paths inside espeak-ng-data that espeak may open for our voices. */
  dataFiles: string[];
  /** Real folder that receives the WAV files. */
  outDir: string;
}

/** The slice of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  instantiate(module: object, imports: object): Promise<object>;
}

interface EmscriptenFs {
  unmount(path: string): void;
  mount(type: unknown, options: object, path: string): void;
  mkdir(path: string): void;
  mkdirTree(path: string): void;
  writeFile(path: string, data: Uint8Array, options: { canOwn: boolean }): void;
  filesystems: { NODEFS: unknown };
}

interface EspeakModule {
  arguments: string[];
  FS?: EmscriptenFs;
  preRun: (() => void)[];
  instantiateWasm(imports: object, done: (instance: object) => void): object;
  quit(status: number): void;
  print(text: string): void;
  printErr(text: string): void;
  postRun(): void;
}

export function ttsWorkerMain(req: NodeJS.Require, config: TtsWorkerConfig): void {
  const { parentPort } = req('node:worker_threads') as typeof import('node:worker_threads');
  const fs = req('node:fs') as typeof import('node:fs');
  const factory = req(`${config.libDir}/espeak-ng.js`) as (module: EspeakModule) => void;
  const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const wasm = new wasmApi.Module(fs.readFileSync(`${config.libDir}/espeak-ng.wasm`));
  const data = config.dataFiles.map(
    (file) => [file, new Uint8Array(fs.readFileSync(`${config.dataDir}/${file}`))] as const,
  );
  const tracked = ['uncaughtException', 'unhandledRejection'] as const;
  const listeners = (event: (typeof tracked)[number]) => process.listeners(event as 'uncaughtException');

  const synthesize = (id: number, args: string[]) =>
    new Promise<Uint8Array>((resolve, reject) => {
      const messages: string[] = [];
      const wavName = `${process.pid}-${id}.wav`;
      const before = tracked.map((event) => new Set(listeners(event)));
      const module: EspeakModule = {
        arguments: ['-w', `/out/${wavName}`, ...args],
        preRun: [
          () => {
            const FS = module.FS as EmscriptenFs;
            FS.unmount('/usr/share'); // text2wav's mount of its whole data folder
            for (const [file, bytes] of data) {
              const path = `/usr/share/espeak-ng-data/${file}`;
              FS.mkdirTree(path.slice(0, path.lastIndexOf('/')));
              FS.writeFile(path, bytes, { canOwn: true });
            }
            FS.mkdir('/out');
            FS.mount(FS.filesystems.NODEFS, { root: config.outDir }, '/out');
          },
        ],
        instantiateWasm(imports, done) {
          wasmApi.instantiate(wasm, imports).then(done, reject);
          return {};
        },
        quit(status) {
          reject(
            new Error(`espeak-ng exited with status ${status}: ${messages.join(' ').trim() || 'no message'}`),
          );
        },
        print: () => undefined,
        printErr(text) {
          if (!/wasm streaming compile|falling back to ArrayBuffer/.test(text)) messages.push(text);
        },
        postRun() {
          const path = `${config.outDir}/${wavName}`;
          try {
            module.FS?.unmount('/out');
            resolve(new Uint8Array(fs.readFileSync(path)));
          } catch (error) {
            reject(new Error(`espeak-ng wrote no audio: ${messages.join(' ').trim() || String(error)}`));
          } finally {
            fs.rmSync(path, { force: true });
          }
        },
      };
      try {
        factory(module);
      } finally {
        tracked.forEach((event, i) => {
          for (const listener of listeners(event)) {
            if (!before[i]?.has(listener)) process.removeListener(event, listener);
          }
        });
      }
    });

  parentPort?.on('message', (job: TtsJob) => {
    synthesize(job.id, job.args).then(
      (wav) => parentPort.postMessage({ id: job.id, wav } satisfies TtsReply, [wav.buffer as ArrayBuffer]),
      (error: unknown) =>
        parentPort.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
}

export const ttsWorkerSource = (config: TtsWorkerConfig): string =>
  `(${ttsWorkerMain.toString()})(require, ${JSON.stringify(config)});`;
