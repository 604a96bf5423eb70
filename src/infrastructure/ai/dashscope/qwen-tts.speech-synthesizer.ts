import { readFile, rm } from 'node:fs/promises';
import type {
  JobContext,
  ProbeResult,
  SpeechRequest,
  SpeechResult,
  SpeechSynthesizer,
} from '../../../application/ports/ai-providers.port.js';
import { VOICE_IDS, type VoiceId } from '../../../domain/script/voices.js';
import type { AiConfig, AiLimits } from '../../config/ai.config.js';
import { ConfigError } from '../../config/config-error.js';
import { downloadOutput } from '../shared/output-download.js';
import { timedProbe } from '../shared/probe.js';
import type { ProviderHttp } from '../shared/provider-http.js';
import { Semaphore } from '../../process/semaphore.js';
import { wavDurationSec } from '../../media/wav.js';
import { dashscopeHttp, probeDashScope } from './dashscope-native.js';

type Settings = NonNullable<AiConfig['qwenTts']>;

/**
 * Our voices on Qwen-TTS voices named in the provider reference (Cherry, Serena, Ethan, Chelsie, Vivian).
 * It names one male voice only, so the male, elder and child roles share; QWEN_TTS_VOICES overrides.
 */
export const QWEN_TTS_VOICES: Record<VoiceId, string> = {
  'zh-female-1': 'Cherry',
  'zh-female-2': 'Serena',
  'zh-female-3': 'Vivian',
  'zh-male-1': 'Ethan',
  'zh-male-2': 'Ethan',
  'zh-male-3': 'Ethan',
  'zh-elder': 'Ethan',
  'zh-elder-female': 'Serena',
  'zh-child': 'Cherry',
  'en-female-1': 'Chelsie',
  'en-female-2': 'Vivian',
  'en-female-3': 'Cherry',
  'en-male-1': 'Ethan',
  'en-male-2': 'Ethan',
  'en-male-3': 'Ethan',
};

interface TtsBody {
  output?: { audio?: { url?: string } };
  usage?: { characters?: number };
}

/** qwen_tts: Qwen-TTS over plain HTTP; one synchronous call, then the WAV is downloaded at once. */
export class QwenTtsSpeechSynthesizer implements SpeechSynthesizer {
  readonly provider = 'qwen_tts';
  readonly kind = 'cloud' as const;
  readonly model: string;
  readonly #voices: Record<string, string>;
  readonly #http: ProviderHttp;
  readonly #semaphore: Semaphore;

  constructor(
    private readonly settings: Settings,
    private readonly limits: AiLimits,
    private readonly probeTimeoutMs = 5_000,
  ) {
    const unknown = Object.keys(settings.voices).filter((v) => !(VOICE_IDS as readonly string[]).includes(v));
    if (unknown.length > 0) {
      throw new ConfigError([
        `QWEN_TTS_VOICES: unknown voice id(s) ${unknown.join(', ')}; use ${VOICE_IDS.join(', ')}`,
      ]);
    }
    this.model = settings.model;
    this.#voices = { ...QWEN_TTS_VOICES, ...settings.voices };
    this.#http = dashscopeHttp(this.provider, settings, limits);
    this.#semaphore = new Semaphore(settings.concurrency);
  }

  synthesize(request: SpeechRequest, outPath: string, ctx: JobContext): Promise<SpeechResult> {
    return this.#semaphore.run(async () => {
      const voice = this.#voices[request.voice];
      if (voice === undefined) throw this.#http.error('invalid_input', `unknown voice id ${request.voice}`);
      const body = await this.#http.submit<TtsBody>(
        'POST',
        '/api/v1/services/aigc/multimodal-generation/generation',
        {
          body: {
            model: this.model,
            input: {
              text: request.text,
              voice,
              language_type: request.language === 'zh' ? 'Chinese' : 'English',
            },
          },
          signal: ctx.signal,
        },
      );
      const url = body?.output?.audio?.url;
      if (!url) throw this.#http.error('transient', 'answer without output.audio.url');
      ctx.recordUsage({ tts_characters: body.usage?.characters ?? [...request.text].length });
      await downloadOutput(this.provider, this.settings.nativeBaseUrl, this.limits, ctx, {
        url,
        path: outPath,
        kind: 'audio',
      });
      try {
        return { path: outPath, durationSec: wavDurationSec(await readFile(outPath)) };
      } catch (error) {
        await rm(outPath, { force: true });
        throw this.#http.error('transient', `downloaded audio is unreadable: ${(error as Error).message}`);
      }
    }, ctx.signal);
  }

  probe(signal?: AbortSignal): Promise<ProbeResult> {
    return timedProbe(() => probeDashScope(this.#http, this.probeTimeoutMs, signal));
  }
}
