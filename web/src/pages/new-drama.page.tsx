import { useState } from 'preact/hooks';
import { ApiError, get, post } from '../api.js';
import { providerOptions } from '../components/providers.js';
import { ErrorNotice, Field, SelectField, TextArea } from '../components/ui.js';
import { newIdempotencyKey, useAsync } from '../hooks.js';
import { useI18n } from '../i18n.js';
import { usePageTitle } from '../page.js';
import { navigate } from '../router.js';
import type { Models } from '../types.js';

interface Accepted {
  project_id: string;
  drama_id: string;
  status: string;
}

const optionalNumber = (value: FormDataEntryValue | null) => {
  const text = String(value ?? '').trim();
  return text === '' ? undefined : Number(text);
};

/** POST /projects/generate-drama; the API's refusals appear next to the fields they name. */
export function NewDramaPage() {
  const { t } = useI18n();
  usePageTitle(t('newDrama.title'));
  const models = useAsync(() => get<Models>('/ai/models'), []);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? '');
    const body = {
      prompt: text('prompt'),
      title: text('title'),
      genre: text('genre'),
      description: text('description'),
      episodes: optionalNumber(form.get('episodes')),
      scenes_per_episode: optionalNumber(form.get('scenes_per_episode')),
      duration_sec: optionalNumber(form.get('duration_sec')),
      aspect_ratio: text('aspect_ratio'),
      video_provider: text('video_provider') || undefined,
      image_provider: text('image_provider') || undefined,
      tts_provider: text('tts_provider') || undefined,
      use_local_llm: form.get('use_local_llm') === 'on',
    };
    setErrors({});
    setFailure(null);
    setBusy(true);
    try {
      const accepted = await post<Accepted>('/projects/generate-drama', body, {
        'Idempotency-Key': newIdempotencyKey(),
      });
      navigate(`/dramas/${accepted.drama_id}`);
    } catch (error) {
      if (error instanceof ApiError && Object.keys(error.fields).length > 0) {
        setErrors(error.fields);
        const first = Object.keys(error.fields)[0];
        document.getElementById(`f-${first}`)?.focus();
      } else setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>{t('newDrama.title')}</h1>
      <p class="lead">{t('newDrama.lead')}</p>
      <form onSubmit={submit} noValidate class="panel">
        <TextArea
          label={t('field.prompt')}
          name="prompt"
          rows={3}
          required
          placeholder={t('newDrama.promptPlaceholder')}
          error={errors.prompt}
        />
        <div class="form-grid">
          <Field label={t('field.title')} name="title" required error={errors.title} />
          <Field label={t('field.genre')} name="genre" error={errors.genre} />
          <Field
            label={t('field.episodes')}
            name="episodes"
            type="number"
            min={1}
            defaultValue="1"
            required
            error={errors.episodes}
          />
          <Field
            label={t('field.scenesPerEpisode')}
            name="scenes_per_episode"
            type="number"
            min={1}
            defaultValue="2"
            required
            error={errors.scenes_per_episode}
          />
          <Field
            label={t('field.durationSec')}
            name="duration_sec"
            type="number"
            min={1}
            defaultValue="20"
            required
            hint={t('newDrama.durationHint')}
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
        </div>
        <TextArea label={t('field.description')} name="description" rows={2} error={errors.description} />
        <fieldset>
          <legend>{t('providers.title')}</legend>
          <ErrorNotice error={models.error} />
          <div class="form-grid">
            <SelectField
              label={t('providers.video')}
              name="video_provider"
              options={providerOptions(models.data?.video ?? [], t)}
              error={errors.video_provider}
            />
            <SelectField
              label={t('providers.image')}
              name="image_provider"
              options={providerOptions(models.data?.image ?? [], t)}
              error={errors.image_provider}
            />
            <SelectField
              label={t('providers.tts')}
              name="tts_provider"
              options={providerOptions(models.data?.tts ?? [], t)}
              error={errors.tts_provider}
            />
          </div>
          <div class="check">
            <input type="checkbox" id="f-use_local_llm" name="use_local_llm" defaultChecked />
            <label for="f-use_local_llm">{t('providers.localLlm')}</label>
          </div>
          {models.data && (
            <p class="hint">
              {t('providers.script', {
                names:
                  models.data.script
                    .filter((s) => s.configured !== false)
                    .map((s) => `${s.provider} (${s.kind})`)
                    .join(', ') || '—',
              })}
            </p>
          )}
        </fieldset>
        <ErrorNotice error={failure} />
        <button type="submit" disabled={busy}>
          {t('newDrama.submit')}
        </button>
      </form>
    </section>
  );
}
