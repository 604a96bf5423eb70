import { useState } from 'preact/hooks';
import { post } from '../api.js';
import { formatDuration } from '../format.js';
import { useI18n } from '../i18n.js';
import { stableLink } from '../media-links.js';
import type { Scene } from '../types.js';
import { ErrorNotice, Notice } from './ui.js';

/** A scene: its storyboard image, its dialogue, and its clip (picture and voice). */
export function SceneCard({
  scene: fresh,
  dramaId,
  canRegenerate,
}: {
  scene: Scene;
  dramaId?: string | undefined;
  canRegenerate?: boolean;
}) {
  const { t } = useI18n();
  const scene = { ...fresh, image_url: stableLink(fresh.image_url), video_url: stableLink(fresh.video_url) };
  const [state, setState] = useState<{ busy: boolean; done: boolean; error: unknown }>({
    busy: false,
    done: false,
    error: null,
  });
  const regenerate = async () => {
    if (!dramaId) return;
    setState({ busy: true, done: false, error: null });
    try {
      await post(`/dramas/${dramaId}/scenes/${scene.id}/regenerate`);
      setState({ busy: false, done: true, error: null });
    } catch (error) {
      setState({ busy: false, done: false, error });
    }
  };
  const heading = t('scene.heading', { episode: scene.episode, number: scene.number, title: scene.title });
  return (
    <article class="scene-card" aria-label={heading}>
      <h3>{heading}</h3>
      <p class="muted">
        {[scene.location, scene.time_of_day, formatDuration(scene.duration_sec)].filter(Boolean).join(' · ')}
      </p>
      <div class="scene-media">
        {scene.image_url ? (
          <img src={scene.image_url} alt={t('scene.storyboardOf', { title: scene.title })} loading="lazy" />
        ) : (
          <div class="placeholder">{t('scene.noImage')}</div>
        )}
        {scene.video_url && (
          <video
            controls
            preload="none"
            src={scene.video_url}
            poster={scene.image_url ?? undefined}
            aria-label={t('scene.clipOf', { title: scene.title })}
          />
        )}
      </div>
      {scene.description && <p>{scene.description}</p>}
      {scene.dialogue.length > 0 && (
        <dl class="dialogue" aria-label={t('scene.dialogue')}>
          {scene.dialogue.map((line, i) => (
            <div key={i}>
              <dt>{line.character}</dt>
              <dd>{line.line}</dd>
            </div>
          ))}
        </dl>
      )}
      {scene.video_url && <p class="muted small">{t('scene.voiceNote')}</p>}
      {canRegenerate && dramaId && scene.drama_id === dramaId && (
        <div class="actions">
          <button type="button" class="button-secondary" disabled={state.busy} onClick={regenerate}>
            {t('scene.regenerate')}
          </button>
        </div>
      )}
      {state.done && <Notice kind="success">{t('scene.regenerating')}</Notice>}
      <ErrorNotice error={state.error} />
    </article>
  );
}

export function SceneList({
  scenes,
  dramaId,
  canRegenerate,
}: {
  scenes: Scene[];
  dramaId?: string;
  canRegenerate?: boolean;
}) {
  const { t } = useI18n();
  if (scenes.length === 0) return <p class="empty">{t('scene.none')}</p>;
  return (
    <div class="scene-grid">
      {scenes.map((scene) => (
        <SceneCard key={scene.id} scene={scene} dramaId={dramaId} canRegenerate={canRegenerate} />
      ))}
    </div>
  );
}
