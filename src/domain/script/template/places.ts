import type { Bilingual } from './roles.js';

export interface City {
  zh?: string;
  en: string;
  landmarks: readonly Bilingual[];
}

const l = (zh: string, en: string): Bilingual => ({ zh, en });

export const CITIES: readonly City[] = [
  {
    zh: '北京',
    en: 'Beijing',
    landmarks: [
      l('后海湖边', 'Houhai lakeside'),
      l('胡同口', 'hutong entrance'),
      l('国贸天桥', 'Guomao footbridge'),
    ],
  },
  {
    zh: '上海',
    en: 'Shanghai',
    landmarks: [l('外滩', 'the Bund'), l('弄堂口', 'lane-house alley'), l('陆家嘴天桥', 'Lujiazui skywalk')],
  },
  {
    zh: '深圳',
    en: 'Shenzhen',
    landmarks: [
      l('深圳湾公园', 'Shenzhen Bay Park'),
      l('城中村巷子', 'urban-village alley'),
      l('南山科技园天桥', 'Nanshan tech-park footbridge'),
    ],
  },
  {
    zh: '广州',
    en: 'Guangzhou',
    landmarks: [l('珠江边', 'Pearl River bank'), l('西关骑楼街', 'Xiguan arcade street')],
  },
  { zh: '杭州', en: 'Hangzhou', landmarks: [l('西湖边', 'West Lake shore'), l('断桥', 'Broken Bridge')] },
  { zh: '成都', en: 'Chengdu', landmarks: [l('宽窄巷子', 'Kuanzhai Alley'), l('九眼桥', 'Jiuyan Bridge')] },
  { zh: '重庆', en: 'Chongqing', landmarks: [l('洪崖洞', 'Hongyadong'), l('长江索道', 'Yangtze cable car')] },
  {
    zh: '西安',
    en: "Xi'an",
    landmarks: [l('古城墙', 'ancient city wall'), l('大雁塔广场', 'Big Wild Goose Pagoda square')],
  },
  {
    zh: '南京',
    en: 'Nanjing',
    landmarks: [l('秦淮河边', 'Qinhuai riverside'), l('梧桐大道', 'plane-tree avenue')],
  },
  {
    zh: '香港',
    en: 'Hong Kong',
    landmarks: [l('维多利亚港', 'Victoria Harbour'), l('旺角街头', 'Mong Kok street')],
  },
  ...[
    '天津',
    '武汉',
    '苏州',
    '长沙',
    '厦门',
    '青岛',
    '大理',
    '丽江',
    '拉萨',
    '哈尔滨',
    '澳门',
    '台北',
    '三亚',
  ]
    .concat(['昆明', '郑州', '沈阳', '大连', '济南', '合肥', '福州', '南昌', '贵阳', '兰州', '宁波', '无锡'])
    .map((zh) => ({ zh, en: zh, landmarks: [] })),
  {
    en: 'New York',
    landmarks: [l('布鲁克林大桥', 'Brooklyn Bridge walkway'), l('曼哈顿天台', 'Manhattan rooftop')],
  },
  { en: 'London', landmarks: [l('泰晤士河畔', 'Thames embankment'), l('苏活区小巷', 'Soho side street')] },
  { en: 'Paris', landmarks: [l('塞纳河畔', 'Seine quay'), l('蒙马特台阶', 'Montmartre steps')] },
  { en: 'Tokyo', landmarks: [l('涩谷路口', 'Shibuya crossing'), l('隅田川边', 'Sumida riverside')] },
  { en: 'San Francisco', landmarks: [l('金门大桥观景台', 'Golden Gate overlook')] },
  ...['Los Angeles', 'Chicago', 'Boston', 'Seattle', 'Berlin', 'Sydney', 'Toronto', 'Singapore', 'Seoul'].map(
    (en) => ({ en, landmarks: [] }),
  ),
];

/** Places every city has, for the beats that do not happen at work. */
export const COMMON_SPOTS = {
  home: l('出租屋', 'rented flat'),
  store: l('深夜便利店', 'all-night convenience store'),
  bar: l('街角小酒馆', 'corner bar'),
  rooftop: l('写字楼天台', 'office rooftop'),
  transit: l('地铁站台', 'subway platform'),
  cafe: l('街角咖啡馆', 'corner café'),
  street: l('街头', 'street corner'),
  riverside: l('江边步道', 'riverside walk'),
  footbridge: l('城市天桥', 'city footbridge'),
} as const;
export type CommonSpot = keyof typeof COMMON_SPOTS;
