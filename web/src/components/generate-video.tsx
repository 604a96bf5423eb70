import { useState } from 'preact/hooks';
import { ApiError, post } from '../api.js';
import { newIdempotencyKey } from '../hooks.js';
import { useI18n } from '../i18n.js';
import { navigate } from '../router.js';
import type { Models, Scene } from '../types.js';
import { providerOptions } from './providers.js';
import { ErrorNotice, Field, SelectField, TextArea } from './ui.js';

const sceneScript = (scene: Scene) =>
  [scene.description, ...scene.dialogue.map((d) => `${d.character}：${d.line}`)].filter(Boolean).join('\n');

/** POST /projects/:id/generate-video: one clip from a scene's text, then its task page. */
export function GenerateVideoForm({
  projectId,
  scenes,
  models,
}: {
  projectId: string;
  scenes: Scene[];
  models: Models | null;
}) {
  const { t } = useI18n();
  const [sceneId, setSceneId] = useState(scenes[0]?.id ?? '');
  const scene = scenes.find((s) => s.id === sceneId);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setErrors({});
    setFailure(null);
    setBusy(true);
    try {
      const task = await post<{ task_id: string }>(
        `/projects/${projectId}/generate-video`,
        {
          scene_id: String(form.get('scene_id') ?? ''),
          script: String(form.get('script') ?? ''),
          image_url: scene?.image_url ?? null,
          duration_sec: Number(form.get('duration_sec')),
          aspect_ratio: String(form.get('aspect_ratio')),
          video_provider: String(form.get('video_provider')),
        },
        { 'Idempotency-Key': newIdempotencyKey() },
      );
      navigate(`/tasks/${task.task_id}`);
    } catch (error) {
      if (error instanceof ApiError && Object.keys(error.fields).length > 0) setErrors(error.fields);
      else setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate>
      <div class="form-grid">
        {scenes.length > 0 ? (
          <SelectField
            label={t('video.scene')}
            name="scene_id"
            value={sceneId}
            onChange={(e) => setSceneId((e.currentTarget as HTMLSelectElement).value)}
            options={scenes.map((s) => ({
              value: s.id,
              label: t('scene.heading', { episode: s.episode, number: s.number, title: s.title }),
            }))}
            error={errors.scene_id}
          />
        ) : (
          <Field label={t('video.scene')} name="scene_id" defaultValue="scene-1" error={errors.scene_id} />
        )}
        <Field
          label={t('video.duration')}
          name="duration_sec"
          type="number"
          min={3}
          max={300}
          defaultValue={String(Math.round(scene?.duration_sec ?? 10))}
          error={errors.duration_sec}
        />
        <SelectField
          label={t('field.aspectRatio')}
          name="aspect_ratio"
          options={[
            { value: '16:9', label: t('aspect.landscape') },
            { value: '9:16', label: t('aspect.portrait') },
          ]}
          error={errors.aspect_ratio}
        />
        <SelectField
          label={t('providers.video')}
          name="video_provider"
          options={providerOptions(models?.video ?? [], t)}
          error={errors.video_provider}
        />
        <div class="span-all">
          <TextArea
            key={sceneId}
            label={t('video.script')}
            name="script"
            rows={4}
            required
            defaultValue={scene ? sceneScript(scene) : ''}
            error={errors.script}
          />
        </div>
      </div>
      <ErrorNotice error={failure} />
      <button type="submit" disabled={busy}>
        {t('video.submit')}
      </button>
    </form>
  );
}
