import { type MessageKey, type Translate, useI18n } from '../i18n.js';
import { stableLink } from '../media-links.js';
import type { CastMember } from '../types.js';

/** Who plays in the drama: the portrait, look and voice every scene uses for them. */
export function CastPanel({ cast }: { cast: readonly CastMember[] }) {
  const { t } = useI18n();
  if (cast.length === 0) return null;
  return (
    <section class="panel" aria-labelledby="cast-heading">
      <h2 id="cast-heading">{t('drama.cast')}</h2>
      <ul class="cast-list">
        {cast.map((member) => {
          const portrait = stableLink(member.portrait_url);
          return (
            <li key={member.name} class="cast-member" data-testid="cast-member">
              {portrait ? (
                <img
                  src={portrait}
                  alt={t('drama.portraitOf', { name: member.name })}
                  width={96}
                  height={96}
                />
              ) : (
                <span class="cast-portrait-missing" aria-hidden="true" />
              )}
              <div>
                <h3>{member.name}</h3>
                <p class="meta">{t('drama.voice', { voice: voiceName(member.voice, t) })}</p>
                <p>{member.description}</p>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** "zh-female-2" → "Female voice 2 (Chinese)"; ids the studio does not know are shown as they are. */
function voiceName(voice: string, t: Translate): string {
  const match = /^(zh|en)-(female|male|elder-female|elder|child)(?:-(\d+))?$/.exec(voice);
  if (!match) return voice;
  const [, language, kind, n] = match;
  const name = t(`voice.${kind}` as MessageKey, { n: n ?? '' }).trim();
  return `${name} (${t(`voice.${language}` as MessageKey)})`;
}
