import type {
  JobContext,
  ModerationProvider,
  ModerationVerdict,
  ProbeResult,
} from '../../../application/ports/ai-providers.port.js';

/**
 * The embedded moderation: a word list over the script and subtitles. It is deliberately small and
 * boring (slurs, explicit sexual content, calls to violence); operators extend it with MODERATION_BLOCKLIST.
 */
const DEFAULT_BLOCKLIST = [
  '色情',
  '裸照',
  '卖淫',
  '嫖娼',
  '毒品交易',
  '制造炸弹',
  '恐怖袭击',
  '自杀方法',
  '儿童色情',
  'child pornography',
  'porn',
  'make a bomb',
  'terrorist attack',
  'kill yourself',
  'how to commit suicide',
];

export class WordListModeration implements ModerationProvider {
  readonly provider = 'local_wordlist';
  readonly model = 'wordlist-v1';
  readonly kind = 'local' as const;
  private readonly words: string[];

  constructor(extra: readonly string[] = []) {
    this.words = [...DEFAULT_BLOCKLIST, ...extra].map((w) => w.trim().toLowerCase()).filter(Boolean);
  }

  async reviewText(texts: readonly string[], _ctx?: JobContext): Promise<ModerationVerdict> {
    const reasons: string[] = [];
    for (const text of texts) {
      const lower = text.toLowerCase();
      const hit = this.words.find((w) => lower.includes(w));
      if (hit) reasons.push(`"${hit}" in "${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`);
    }
    return { ok: reasons.length === 0, reasons };
  }

  async reviewImages(): Promise<ModerationVerdict> {
    return { ok: true, reasons: [] };
  }

  async probe(): Promise<ProbeResult> {
    return { ok: true, latency_ms: 0, detail: `${this.words.length} blocked words` };
  }
}
