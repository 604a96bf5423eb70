import { formatDuration } from '../format.js';
import { stableLink } from '../media-links.js';
import { useI18n } from '../i18n.js';
import type { Episode } from '../types.js';

/** One finished episode: playable with its subtitles, and every file to download. */
export function EpisodePlayer({ episode: fresh }: { episode: Episode }) {
  const { t } = useI18n();
  const episode = {
    ...fresh,
    video_url: stableLink(fresh.video_url),
    subtitles_url: stableLink(fresh.subtitles_url),
    vtt_url: stableLink(fresh.vtt_url),
    poster_url: stableLink(fresh.poster_url),
  };
  const title = t('episode.title', { number: episode.number });
  return (
    <figure class="episode" data-episode={episode.number}>
      {episode.video_url ? (
        <video
          controls
          preload="metadata"
          src={episode.video_url}
          poster={episode.poster_url ?? undefined}
          aria-label={title}
        >
          {episode.vtt_url && (
            <track
              kind="subtitles"
              src={episode.vtt_url}
              srcLang="und"
              label={t('episode.subtitles')}
              default
            />
          )}
        </video>
      ) : (
        <div class="placeholder">{t('episode.notReady')}</div>
      )}
      <figcaption>
        <strong>{title}</strong> · {formatDuration(episode.duration_sec)}
        <ul class="downloads" aria-label={t('episode.downloads', { number: episode.number })}>
          {episode.video_url && (
            <li>
              <a href={episode.video_url} download={`episode-${episode.number}.mp4`}>
                MP4
              </a>
            </li>
          )}
          {episode.subtitles_url && (
            <li>
              <a href={episode.subtitles_url} download={`episode-${episode.number}.srt`}>
                SRT
              </a>
            </li>
          )}
          {episode.vtt_url && (
            <li>
              <a href={episode.vtt_url} download={`episode-${episode.number}.vtt`}>
                VTT
              </a>
            </li>
          )}
          {episode.poster_url && (
            <li>
              <a href={episode.poster_url} target="_blank" rel="noopener">
                {t('episode.poster')}
              </a>
            </li>
          )}
        </ul>
      </figcaption>
    </figure>
  );
}
