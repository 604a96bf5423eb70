/**
 * Prompts for the offline writer, each with the entities a reader would expect to find in its script,
 * listed by hand (never derived from the writer's own extraction). An entity counts as reached when any
 * of its spellings appears in the script (case-insensitive). Shapes vary so scene lengths vary.
 */
export interface CorpusPrompt {
  prompt: string;
  /** Each entity: its accepted spellings. */
  entities: readonly (readonly string[])[];
  shape: { episodes: number; scenes_per_episode: number; episode_duration_sec: number };
}

const seed = { episodes: 5, scenes_per_episode: 3, episode_duration_sec: 120 };
const short = { episodes: 2, scenes_per_episode: 4, episode_duration_sec: 90 };
const tiny = { episodes: 1, scenes_per_episode: 2, episode_duration_sec: 60 };
/** As small as the pipeline tests' drama (test/support/drama.ts): two scenes in 20 s. */
const smallest = { episodes: 1, scenes_per_episode: 2, episode_duration_sec: 20 };
const long = { episodes: 3, scenes_per_episode: 3, episode_duration_sec: 180 };

const e = (...names: string[]) => names.map((n) => [n]);

export const WRITER_CORPUS: readonly CorpusPrompt[] = [
  // Chinese
  {
    prompt: '欧阳纳兰·星辰·无忌在一家旧书店里发现了一本诗集，门铃响了 📚🔔',
    entities: e('欧阳纳兰·星辰·无忌', '书店', '诗集', '门铃'),
    shape: seed,
  },
  {
    prompt: '北京后海，冬天的傍晚，外卖员小周把一把黑伞落在了酒吧门口',
    entities: [['后海'], ['外卖员'], ['小周'], ['伞'], ['酒吧']],
    shape: short,
  },
  {
    prompt: '一个急救员在火车站台上遇见了失散多年的哥哥',
    entities: e('急救员', '站台', '哥哥'),
    shape: seed,
  },
  {
    prompt: '上海，一个外卖员爱上了咖啡馆的咖啡师',
    entities: e('上海', '外卖员', '咖啡馆', '咖啡师'),
    shape: short,
  },
  {
    prompt: '深夜的医院，护士林晓雨收到一封没有署名的信',
    entities: e('医院', '护士', '林晓雨', '信'),
    shape: long,
  },
  {
    prompt: '司马·阿依古丽是一名摄影师，她在西湖边捡到一台旧相机',
    entities: e('司马·阿依古丽', '摄影师', '西湖', '相机'),
    shape: seed,
  },
  { prompt: '程序员', entities: e('程序员'), shape: smallest },
  { prompt: '一个关于面包店和一只猫的温暖故事 🐱🍞', entities: e('面包店', '猫'), shape: short },
  {
    prompt:
      '2035 年的深圳，人工智能已经接管了大部分工作。老程序员陈建国五十岁，被公司裁员后在城中村开了一家修手机的小店。某天，一个叫苏小满的女大学生拿着一部摔坏的旧手机走进店里，说手机里有她失踪父亲留下的最后一段录音。两人顺着录音里的线索，找到了一座废弃的地铁站。',
    entities: e('深圳', '程序员', '陈建国', '苏小满', '大学生', '手机', '录音', '地铁站', '城中村'),
    shape: seed,
  },
  {
    prompt: '慕容雪和诸葛明在图书馆为了最后一本《百年孤独》吵了起来',
    entities: e('慕容雪', '诸葛明', '图书馆', '百年孤独'),
    shape: short,
  },
  {
    prompt: '外婆的饺子馆要拆迁了，孙女从北京赶回老家',
    entities: e('外婆', '饺子馆', '孙女', '北京', '老家'),
    shape: seed,
  },
  {
    prompt: '消防员和花店老板娘，一场暴雨，一把雨伞 ☔️',
    entities: e('消防员', '花店', '暴雨', '雨伞'),
    shape: tiny,
  },
  // English
  {
    prompt: 'A paramedic waits on a train platform in the rain and meets a stranger with a red umbrella',
    entities: e('paramedic', 'train platform', 'umbrella'),
    shape: seed,
  },
  {
    prompt: "Maya Okafor, a night-shift nurse in Chicago, finds a stranger's diary in the hospital laundry",
    entities: e('Maya Okafor', 'nurse', 'Chicago', 'diary', 'hospital'),
    shape: seed,
  },
  { prompt: 'A lonely lighthouse keeper.', entities: e('lighthouse'), shape: smallest },
  {
    prompt: 'Jean-Luc Picard-Moreau, a retired pilot, teaches his granddaughter to fly a kite in Paris',
    entities: e('Jean-Luc Picard-Moreau', 'pilot', 'granddaughter', 'kite', 'Paris'),
    shape: short,
  },
  {
    prompt: 'Two rival bakers on the same street compete for a wedding cake order 🎂💍',
    entities: [['baker'], ['wedding cake'], ['street']],
    shape: seed,
  },
  {
    prompt: 'In London, a detective and a jazz singer search for a stolen violin',
    entities: e('London', 'detective', 'singer', 'violin'),
    shape: long,
  },
  {
    prompt:
      'Priya Raman, a software engineer, and Tom Becker, a delivery rider, get stuck in an elevator during a blackout',
    entities: e('Priya Raman', 'Tom Becker', 'software engineer', 'delivery rider', 'elevator', 'blackout'),
    shape: seed,
  },
  {
    prompt:
      'It is 1987 in a small fishing town in Maine. Eleanor Whitfield, seventy-two, runs the only bookstore on the harbor. One foggy morning a teenage runaway named Sam breaks the shop window to get out of the cold, and instead of calling the police, Eleanor offers him a job. Over one winter they restore an old sailboat together, while the town argues about whether the bookstore should be sold to a developer.',
    entities: e('Eleanor Whitfield', 'Sam', 'bookstore', 'harbor', 'sailboat', 'Maine', 'window'),
    shape: long,
  },
  {
    prompt: 'A firefighter rescues a cat from a rooftop garden 🔥🐈',
    entities: e('firefighter', 'cat', 'rooftop garden'),
    shape: short,
  },
  {
    prompt: 'A teacher finds a letter inside an old piano',
    entities: e('teacher', 'letter', 'piano'),
    shape: seed,
  },
  {
    prompt: 'Seoul, a K-pop trainee and a convenience store clerk, one winter night',
    entities: e('Seoul', 'trainee', 'convenience store', 'clerk'),
    shape: short,
  },
];
