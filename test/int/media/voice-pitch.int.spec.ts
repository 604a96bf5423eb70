import { afterAll, describe, expect, it } from '@jest/globals';
import { LocalTts } from '../../../src/infrastructure/media/local-tts.js';
import { LOCAL_VOICES, type LocalVoice } from '../../../src/infrastructure/media/voices.js';
import { medianPitchHz } from '../../support/pitch.js';

const SENTENCE = {
  zh: '今天晚上我们必须把这个版本发布出去，明天早上客户就要用了。',
  en: 'We have to ship this release tonight, the client needs it first thing tomorrow morning.',
};
/** Two voices a listener tells apart by pitch: at least this far apart, in semitones. */
const MIN_SEMITONES = 1.5;
const semitones = (a: number, b: number) => Math.abs(12 * Math.log2(a / b));

/**
 * A cast needs voices that sound different: for each language and gender, at least three adult voices
 * whose measured median pitches are pairwise at least 1.5 semitones apart (two of three women used to
 * measure 182 and 184 Hz).
 */
describe('the offline voices, measured', () => {
  const tts = new LocalTts();
  afterAll(async () => tts.close());

  const groups = (['zh', 'en'] as const).flatMap((language) =>
    (['female', 'male'] as const).map((gender) => [language, gender] as const),
  );

  it.each(groups)(
    '%s %s: three or more adult voices, each pitch distinct',
    async (language, gender) => {
      const voices = LOCAL_VOICES.filter(
        (v: LocalVoice) => v.language === language && v.gender === gender && v.age === 'adult' && !v.narrator,
      );
      expect(voices.length).toBeGreaterThanOrEqual(3);
      const speech = await tts.speakMany(
        voices.map((v) => ({ text: SENTENCE[language], voice: v.id, speed: 1 })),
        {},
      );
      const pitch = Object.fromEntries(
        voices.map((v, i) => [v.id, Math.round(medianPitchHz(speech[i]!.pcm))]),
      );
      console.info(`${language} ${gender} median pitch (Hz):`, pitch);
      const ids = Object.keys(pitch);
      const tooClose: string[] = [];
      for (let i = 0; i < ids.length; i++) {
        for (let j = i + 1; j < ids.length; j++) {
          const apart = semitones(pitch[ids[i]!]!, pitch[ids[j]!]!);
          if (!(apart >= MIN_SEMITONES))
            tooClose.push(`${ids[i]} ~ ${ids[j]}: ${apart.toFixed(1)} semitones`);
        }
      }
      expect(tooClose).toEqual([]);
    },
    60_000,
  );
});
