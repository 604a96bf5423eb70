import { useI18n } from '../i18n.js';
import type { Project } from '../types.js';
import { Field, TextArea } from './ui.js';

export type ProjectFields = Pick<
  Project,
  'title' | 'description' | 'genre' | 'target_episodes' | 'target_duration_sec'
>;

/** Reads the project fields of a form (numbers as numbers, so the API names a bad one itself). */
export function readProjectForm(form: HTMLFormElement): ProjectFields {
  const data = new FormData(form);
  const number = (name: string) => {
    const raw = String(data.get(name) ?? '').trim();
    return raw === '' ? (undefined as unknown as number) : Number(raw);
  };
  return {
    title: String(data.get('title') ?? ''),
    description: String(data.get('description') ?? ''),
    genre: String(data.get('genre') ?? ''),
    target_episodes: number('target_episodes'),
    target_duration_sec: number('target_duration_sec'),
  };
}

export function ProjectFormFields({
  project,
  errors,
}: {
  project?: ProjectFields | undefined;
  errors: Record<string, string>;
}) {
  const { t } = useI18n();
  return (
    <div class="form-grid">
      <Field
        label={t('field.title')}
        name="title"
        required
        defaultValue={project?.title}
        error={errors.title}
      />
      <Field label={t('field.genre')} name="genre" defaultValue={project?.genre} error={errors.genre} />
      <Field
        label={t('field.targetEpisodes')}
        name="target_episodes"
        type="number"
        min={1}
        defaultValue={String(project?.target_episodes ?? 1)}
        error={errors.target_episodes}
      />
      <Field
        label={t('field.targetDuration')}
        name="target_duration_sec"
        type="number"
        min={1}
        defaultValue={String(project?.target_duration_sec ?? 60)}
        error={errors.target_duration_sec}
      />
      <div class="span-all">
        <TextArea
          label={t('field.description')}
          name="description"
          rows={3}
          defaultValue={project?.description}
          error={errors.description}
        />
      </div>
    </div>
  );
}
