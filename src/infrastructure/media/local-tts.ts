import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AbortError, throwIfAborted } from './abort.js';
import { ttsWorkerSource, type TtsJob, type TtsReply, type TtsWorkerConfig } from './tts-worker.js';
import { localVoice, LOCAL_VOICES, type LocalVoice } from './voices.js';

export { LOCAL_VOICES, pickVoice, type LocalVoice } from './voices.js';
import { splitAtPauses, trimSilence } from './speech-split.js';
import { encodeWav, parseWav, pcmDurationSec, type PcmAudio } from './wav.js';

export interface SpeechRequest {
  text: string;
  /** One of LOCAL_VOICES' ids. */
  voice: string;
  /** Multiplies the voice's own rate; 1 = natural. */
  speed?: number;
}

export interface Speech {
  pcm: PcmAudio;
  durationSec: number;
}

export class UnknownVoiceError extends Error {
  constructor(readonly voice: string) {
    super(`unknown voice "${voice}"; local voices are: ${LOCAL_VOICES.map((v) => v.id).join(', ')}`);
    this.name = 'UnknownVoiceError';
  }
}

const MIN_WPM = 80;
/** Natural pauses (sentence ends) stay under 0.4 s; a break this long cannot be mistaken for one. */
const BREAK_MS = 1500;

const escapeSsml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const MAX_WPM = 450;

interface Pending {
  resolve(wav: Uint8Array): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  jobs: Set<number>;
}

/**
 * Offline TTS over text2wav (espeak-ng in WebAssembly), run in worker threads: synthesis is synchronous
 * WebAssembly that would otherwise stall the event loop for 0.1-0.5 s per line, and a worker confines
 * anything Emscripten does to the process. Workers start on first use and are kept for reuse.
 */
export class LocalTts {
  readonly local = true;
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly size: number;
  private config: TtsWorkerConfig | undefined;

  constructor(options: { workers?: number } = {}) {
    this.size = Math.max(1, options.workers ?? Math.min(2, availableParallelism()));
  }

  static resolveVoice(id: string): LocalVoice {
    const found = localVoice(id);
    if (!found) throw new UnknownVoiceError(id);
    return found;
  }

  /** Pays the one-time WebAssembly compile and warm-up in every worker before real work arrives. */
  async warmUp(): Promise<void> {
    await Promise.all(
      Array.from({ length: this.size }, () => this.speak({ text: '你好', voice: 'zh-female-1' })),
    );
  }

  /** One utterance, with leading and trailing silence trimmed. */
  async speak(request: SpeechRequest, options: { signal?: AbortSignal } = {}): Promise<Speech> {
    const [speech] = await this.speakMany([request], options);
    return speech as Speech;
  }

  /**
   * Several utterances, in order. Each espeak run costs ~0.1 s of start-up (dictionaries, phoneme
   * tables) whatever its length, so lines sharing a voice and speed are spoken in one run with long
   * SSML breaks between them and cut apart at those pauses; if the cut does not find exactly one piece
   * per line, the lines are spoken one by one.
   */
  async speakMany(
    requests: readonly SpeechRequest[],
    options: { signal?: AbortSignal } = {},
  ): Promise<Speech[]> {
    const prepared = requests.map((request) => {
      const voice = LocalTts.resolveVoice(request.voice);
      const text = request.text.replace(/\s+/g, ' ').trim();
      if (text === '') throw new Error('nothing to say: the text is empty');
      const wpm = Math.round(Math.min(MAX_WPM, Math.max(MIN_WPM, voice.speed * (request.speed ?? 1))));
      return { text, args: ['-v', voice.espeakVoice, '-p', String(voice.pitch), '-s', String(wpm)] };
    });
    throwIfAborted(options.signal, 'speech synthesis');
    const groups = new Map<string, number[]>();
    prepared.forEach((p, index) => {
      const key = p.args.join(' ');
      groups.set(key, [...(groups.get(key) ?? []), index]);
    });
    const results: Speech[] = new Array(requests.length);
    await Promise.all(
      [...groups.values()].map(async (indexes) => {
        const texts = indexes.map((i) => (prepared[i] as (typeof prepared)[number]).text);
        const args = (prepared[indexes[0] as number] as (typeof prepared)[number]).args;
        const pieces = await this.speakGroup(args, texts, options.signal);
        indexes.forEach((index, k) => {
          const pcm = pieces[k] as PcmAudio;
          results[index] = { pcm, durationSec: pcmDurationSec(pcm) };
        });
      }),
    );
    return results;
  }

  private async speakGroup(args: string[], texts: string[], signal?: AbortSignal): Promise<PcmAudio[]> {
    if (texts.length > 1) {
      const ssml = `<speak>${texts.map(escapeSsml).join(`<break time="${BREAK_MS}ms"/>`)}</speak>`;
      const whole = parseWav(await this.run([...args, '-m', '--', ssml], signal));
      const pieces = splitAtPauses(whole, texts.length, (BREAK_MS / 1000) * 0.6);
      if (pieces) return pieces;
    }
    // "--" ends the options, so a line that starts with "-" is spoken, not parsed.
    const singles = texts.map(async (text) =>
      trimSilence(parseWav(await this.run([...args, '--', text], signal))),
    );
    return Promise.all(singles);
  }

  async synthesize(
    request: SpeechRequest,
    outPath: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ path: string; durationSec: number }> {
    const speech = await this.speak(request, options);
    await writeFile(outPath, encodeWav(speech.pcm));
    return { path: outPath, durationSec: speech.durationSec };
  }

  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
    if (this.config) rmSync(this.config.outDir, { recursive: true, force: true });
    this.config = undefined;
  }

  private run(args: string[], signal?: AbortSignal): Promise<Uint8Array> {
    const slot = this.slot();
    const id = this.nextId++;
    slot.jobs.add(id);
    slot.worker.ref();
    return new Promise<Uint8Array>((resolve, reject) => {
      const onAbort = () => settle(() => reject(new AbortError('speech synthesis was cancelled')));
      const settle = (finish: () => void) => {
        if (!this.pending.delete(id)) return;
        signal?.removeEventListener('abort', onAbort);
        slot.jobs.delete(id);
        // An idle worker must not keep the process alive.
        if (slot.jobs.size === 0) slot.worker.unref();
        finish();
      };
      this.pending.set(id, {
        resolve: (wav) => settle(() => resolve(wav)),
        reject: (error) => settle(() => reject(error)),
      });
      // The WebAssembly call cannot be interrupted: a cancelled job's result is dropped when it lands.
      signal?.addEventListener('abort', onAbort, { once: true });
      slot.worker.postMessage({ id, args } satisfies TtsJob);
    });
  }

  private slot(): Slot {
    if (this.slots.length < this.size && this.slots.every((s) => s.jobs.size > 0)) {
      this.config ??= createTtsWorkerConfig();
      const slot: Slot = {
        worker: new Worker(ttsWorkerSource(this.config), { eval: true }),
        jobs: new Set(),
      };
      this.watch(slot);
      this.slots.push(slot);
      return slot;
    }
    return this.slots.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
  }

  private watch(slot: Slot): void {
    const { worker } = slot;
    worker.unref();
    worker.on('message', (reply: TtsReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      if ('error' in reply) waiting.reject(new Error(reply.error));
      else waiting.resolve(reply.wav);
    });
    const fail = (error: Error) => {
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      for (const id of [...slot.jobs]) this.pending.get(id)?.reject(error);
    };
    worker.on('error', (error) => fail(new Error(`TTS worker crashed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => fail(new Error(`TTS worker exited with code ${code}`)));
  }
}

/**
 * Worker settings, with a fresh output folder (the caller removes it). The data files are those our
 * voices can open: tables, both dictionaries, their languages and their variants.
 */
export function createTtsWorkerConfig(): TtsWorkerConfig {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('text2wav'));
  const languages: Record<string, string> = {
    cmn: 'lang/sit/cmn',
    en: 'lang/gmw/en',
    'en-us': 'lang/gmw/en-US',
  };
  const files = new Set(['phontab', 'phonindex', 'phondata', 'intonations', 'zh_dict', 'en_dict']);
  for (const voice of LOCAL_VOICES) {
    const [language = '', variant] = voice.espeakVoice.split('+');
    const languageFile = languages[language];
    if (!languageFile)
      throw new Error(`no espeak-ng language file known for voice ${voice.id} (${language})`);
    files.add(languageFile);
    if (variant) files.add(`voices/!v/${variant}`);
  }
  return {
    libDir: join(packageDir, 'lib'),
    dataDir: join(packageDir, 'espeak-ng-data'),
    dataFiles: [...files],
    outDir: mkdtempSync(join(tmpdir(), '3kstory-tts-')),
  };
}
