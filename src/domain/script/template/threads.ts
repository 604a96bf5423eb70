import type { Language } from '../vocabulary.js';
import type { PromptThing } from './entities.js';
import { withThe, type Slots } from './slots.js';
import type { GenreKey, GenreText, Speaker, Unit } from './story-text.js';

/** A second way each genre's second act can go wrong, so two prompts of one genre need not share it. */
export type Turn = Pick<GenreText, 'pressure' | 'crisisEvent' | 'crisis'>;

/**
 * Exchanges about what the prompt names: its places ({P}) and things ({T}). They carry the prompt's own
 * words into the dialogue, in three phases (the thing is found, it matters, it is given up), and read at
 * any time of day. Every line is written for any noun, so no template assumes what the thing is.
 */
export type Phase = 'early' | 'middle' | 'late';

interface ThreadText {
  thing: Record<Phase, readonly Unit[]>;
  /** Weather and events: they happen to people, nobody owns them. */
  event: Record<Phase, readonly Unit[]>;
  eventIncident: { name: string; lines: Unit };
  place: Record<Phase, readonly Unit[]>;
  /** Small talk that fits any scene, for scenes with time left to fill. */
  filler: readonly Unit[];
  /** Talk about the two leads' work, in the prompt's words for it ({roleA}, {roleB}). */
  work: readonly Unit[];
  /** A last word for someone who would otherwise speak only once. */
  second: Record<Speaker, string>;
  /** The incident when the prompt names a thing or a place: its name and its exchange. */
  thingIncident: readonly { name: string; lines: Unit }[];
  /** The midpoint's secret when the prompt names a thing or a place: it was no accident. */
  thingMidpoint: Unit;
  placeMidpoint: Unit;
  turns: Record<GenreKey, Turn>;
  placeIncident: readonly { name: string; lines: Unit }[];
}

const ZH: ThreadText = {
  thingMidpoint: [
    ['B', '{thisT}，是我故意留给你的。我想让你找到它。'],
    ['A', '所以……这一切都不是巧合。'],
  ],
  placeMidpoint: [
    ['B', '我第一次来{P}，就是为了找你。'],
    ['A', '……你早就认识我？'],
  ],
  turns: {
    romance: {
      pressure: '有人把你们的事告诉了{B}的家里。{B}的家人要你离{B}远一点',
      crisisEvent: '{B}的家人出面反对，{B}不告而别',
      crisis: [
        ['B', '我家里……不同意。我明天就走。'],
        ['A', '你连问都不问我一句？'],
      ],
    },
    mystery: {
      pressure: '那份档案你不该看。把它交出来，这件事就当没发生过',
      crisisEvent: '关键证据被人调包，{A}被停职调查',
      crisis: [
        ['B', '证物被调包了。上面决定让你停职。'],
        ['A', '他们比我们想的更快。'],
      ],
    },
    workplace: {
      pressure: '客户只认我的方案。你的那份，明天之前撤回来',
      crisisEvent: '客户临时倒戈，团队一下子失去了项目',
      crisis: [
        ['B', '客户刚来电话，项目给了别家。'],
        ['A', '就因为一通电话？'],
      ],
    },
    comedy: {
      pressure: '年会主持人病了，你和{B}顶上。搞砸了，全公司都会记住你们',
      crisisEvent: '彩排视频被传到了群里，所有人都在笑',
      crisis: [
        ['B', '彩排的视频被传到群里了，点赞过千。'],
        ['A', '……我申请从地球上消失。'],
      ],
    },
    family: {
      pressure: '老房子要卖了。你回来签个字，就当是为这个家做最后一件事',
      crisisEvent: '老房子要被卖掉，{A}和家里吵翻了',
      crisis: [
        ['C', '你家老房子挂出去卖了，你知道吗？'],
        ['A', '……连这个，都没人告诉我。'],
      ],
    },
  },
  event: {
    early: [
      [
        ['B', '{T}来得太突然了。'],
        ['A', '是啊，谁也没准备好。'],
      ],
    ],
    middle: [
      [
        ['A', '要不是那{mT}，我们大概永远只是陌生人。'],
        ['B', '那我还得谢谢它。'],
      ],
    ],
    late: [
      [
        ['B', '还记得那{mT}吗？'],
        ['A', '记得。那天之后，什么都不一样了。'],
      ],
    ],
  },
  eventIncident: {
    name: '一{mT}',
    lines: [
      ['B', '{T}一时半会儿停不了，我们被困在这儿了。'],
      ['A', '那……只好先认识一下了。'],
    ],
  },
  thing: {
    early: [
      [
        ['B', '我第一次见到{thisT}，就觉得它有故事。'],
        ['A', '有。只是我还没准备好讲。'],
      ],
      [
        ['B', '{thisT}……是你的吗？'],
        ['A', '是我的。我找了它好久。'],
      ],
      [
        ['A', '你也注意到{thisT}了？'],
        ['B', '很难不注意。它好像一直在等一个人。'],
      ],
      [
        ['C', '你又把{T}带来了？'],
        ['A', '带着它，心里踏实一点。'],
      ],
    ],
    middle: [
      [
        ['B', '我把{T}的事想了一整天。'],
        ['A', '想明白了吗？'],
        ['B', '想明白了一半。另一半，得你告诉我。'],
      ],
      [
        ['C', '你有没有想过，{T}为什么偏偏落到你手里？'],
        ['A', '想过。也许有些事，就是冲着人来的。'],
      ],
      [
        ['B', '说真的，{T}对你到底意味着什么？'],
        ['A', '是我一直没说完的一句话。'],
      ],
      [
        ['A', '要不是那{mT}，我们根本不会认识。'],
        ['B', '那我得好好谢谢它。'],
      ],
      [
        ['C', '那{mT}，你还留着？'],
        ['A', '留着。有些东西，扔不掉的。'],
      ],
    ],
    late: [
      [
        ['A', '要是没有{T}，我大概还在原地打转。'],
        ['B', '现在呢？'],
        ['A', '现在我知道往哪儿走了。'],
      ],
      [
        ['A', '{thisT}，我想交给你。'],
        ['B', '……我会好好留着。'],
      ],
      [
        ['B', '还记得{thisT}吗？'],
        ['A', '怎么会忘。一切都是从它开始的。'],
      ],
    ],
  },
  place: {
    early: [
      [
        ['B', '你也常来{P}？'],
        ['A', '几乎每天都来。奇怪，以前从没见过你。'],
      ],
      [
        ['C', '又去{P}了？'],
        ['A', '嗯。有些话，只有在那儿我才说得出口。'],
      ],
    ],
    middle: [
      [
        ['A', '{P}这个地方，我一个人来过很多次。'],
        ['B', '以后不用一个人来了。'],
      ],
      [
        ['A', '每次来{P}，我都会想起那天。'],
        ['B', '那就多来几次，换一些新的回忆。'],
      ],
      [
        ['B', '{P}还是老样子。'],
        ['A', '变的是我们。'],
      ],
    ],
    late: [
      [
        ['B', '下次，还在{P}见？'],
        ['A', '一言为定。老地方。'],
      ],
    ],
  },
  filler: [
    [
      ['B', '你有没有特别想去、却一直没去的地方？'],
      ['A', '有很多。以前总觉得以后有的是时间。'],
    ],
    [
      ['C', '我跟你打个赌，这事最后肯定会好起来。'],
      ['A', '赌什么？'],
      ['C', '赌一顿饭。输了我请。'],
    ],
    [
      ['A', '谢谢你。我很少说这两个字。'],
      ['B', '我知道。所以我会记住。'],
    ],
    [
      ['B', '你小时候，想当什么？'],
      ['A', '说出来你别笑——想当一个能让别人安心的人。'],
    ],
    [
      ['C', '你最近变了。'],
      ['A', '变好了还是变坏了？'],
      ['C', '变得更像你自己了。'],
    ],
    [
      ['A', '有时候我觉得，自己一直在等一个答案。'],
      ['B', '也许答案一直在等你开口问。'],
    ],
    [
      ['B', '你说话总是只说一半。'],
      ['A', '另一半，得等合适的时候。'],
    ],
    [
      ['C', '喝口水，慢慢说。'],
      ['A', '我没事。就是……有点不知道从哪儿说起。'],
    ],
    [
      ['B', '你今天话很少。'],
      ['A', '在想事情。想完了就告诉你。'],
    ],
    [
      ['C', '我说句实话，你别生气。'],
      ['A', '你哪次说实话我生过气？'],
      ['C', '每一次。'],
    ],
    [
      ['A', '你为什么总是帮我？'],
      ['B', '因为我想看看，我们到底能走多远。'],
    ],
    [
      ['B', '累了就歇一会儿，我在这儿。'],
      ['A', '嗯。有你在，好像没那么难了。'],
    ],
    [
      ['C', '你俩最近走得挺近啊。'],
      ['A', '别瞎说。'],
      ['C', '我可什么都没说。'],
    ],
    [
      ['A', '如果当初没来这儿，我现在会在哪儿？'],
      ['B', '不知道。但我很庆幸你来了。'],
    ],
    [
      ['B', '你笑什么？'],
      ['A', '没什么。就是突然觉得，一切也没那么糟。'],
    ],
    [
      ['C', '需要帮忙就开口，别一个人硬扛。'],
      ['A', '知道了，啰嗦。'],
    ],
  ],
  work: [
    [
      ['B', '当{roleA}，累吗？'],
      ['A', '累。可总得有人做。'],
    ],
    [
      ['A', '你做{roleB}多久了？'],
      ['B', '久到我自己都记不清了。'],
      ['A', '那你一定很喜欢这一行。'],
    ],
    [
      ['C', '{grindA}，你图的到底是什么？'],
      ['A', '图有一天，回头看的时候不后悔。'],
    ],
    [
      ['B', '你说，{pairRoles}，能聊到一块儿去吗？'],
      ['A', '现在不就聊着吗？'],
    ],
    [
      ['A', '我以前觉得，{roleA}这份工作，就是我的全部。'],
      ['B', '现在呢？'],
      ['A', '现在觉得，还少了点什么。'],
    ],
    [
      ['C', '你这个{roleA}，什么时候给自己放个假？'],
      ['A', '等这件事有了结果。'],
      ['C', '你上次也是这么说的。'],
    ],
  ],
  second: {
    A: '我知道接下来该怎么做了。',
    B: '你这句话，我记住了。',
    C: '有事随时叫我，我一直都在。',
    D: '我的话就说到这儿，你自己好好掂量。',
  },
  thingIncident: [
    {
      name: '一{mT}',
      lines: [
        ['B', '{thisT}，是你的吧？'],
        ['A', '……你怎么会有它？'],
        ['B', '它自己找上门来的。'],
      ],
    },
    {
      name: '同一{mT}',
      lines: [
        ['A', '松手，{thisT}是我先看到的。'],
        ['B', '可它上面写着我的名字。'],
      ],
    },
  ],
  placeIncident: [
    {
      name: '{P}的一次偶遇',
      lines: [
        ['B', '抱歉，撞到你了。你也常来{P}？'],
        ['A', '常来。可今天，好像有什么不一样。'],
      ],
    },
  ],
};

const EN: ThreadText = {
  thingMidpoint: [
    ['B', 'I left the {T} there on purpose. I wanted you to be the one to find it.'],
    ['A', 'So none of this was chance.'],
  ],
  placeMidpoint: [
    ['B', 'The first time I came to {P}, I came looking for you.'],
    ['A', '…You knew me before?'],
  ],
  turns: {
    romance: {
      pressure: "{B}'s family found out about you two. They want you to stay away from {B}",
      crisisEvent: "{B}'s family steps in, and {B} leaves without a word",
      crisis: [
        ['B', "My family won't accept this. I'm leaving tomorrow."],
        ['A', "And you weren't even going to ask me?"],
      ],
    },
    mystery: {
      pressure: "You shouldn't have read that file. Hand it over and we'll call this a misunderstanding",
      crisisEvent: 'the key evidence is swapped, and {A} is suspended',
      crisis: [
        ['B', "The evidence was swapped. They're suspending you."],
        ['A', 'They moved faster than we thought.'],
      ],
    },
    workplace: {
      pressure: 'The client only wants my proposal. Withdraw yours by the end of the week',
      crisisEvent: 'the client walks away, and the team loses the project',
      crisis: [
        ['B', 'The client just called. The project went to someone else.'],
        ['A', 'All of it, over one phone call?'],
      ],
    },
    comedy: {
      pressure: 'The party host is sick. You and {B} are hosting. Mess it up and nobody will ever forget',
      crisisEvent: 'the rehearsal video goes viral for all the wrong reasons',
      crisis: [
        ['B', 'Someone posted the rehearsal video. A thousand likes and counting.'],
        ['A', '…I would like to leave the planet now.'],
      ],
    },
    family: {
      pressure: "We're selling the old house. Come home and sign. Do this one last thing for the family",
      crisisEvent: '{A} learns the family home is being sold, and falls out with everyone',
      crisis: [
        ['C', 'Did you know your family put the old house up for sale?'],
        ['A', '…Nobody even told me that.'],
      ],
    },
  },
  event: {
    early: [
      [
        ['B', 'Nobody saw the {T} coming.'],
        ['A', 'No. None of us were ready.'],
      ],
    ],
    middle: [
      [
        ['A', "If not for the {T}, we'd still be strangers."],
        ['B', 'Then I owe it a thank-you.'],
      ],
    ],
    late: [
      [
        ['B', 'Remember the {T}?'],
        ['A', 'Every minute of it. Nothing was the same after.'],
      ],
    ],
  },
  eventIncident: {
    name: 'the {T}',
    lines: [
      ['B', 'Looks like the {T} has us stuck here.'],
      ['A', 'Then we might as well introduce ourselves.'],
    ],
  },
  thing: {
    early: [
      [
        ['B', 'The first time I saw the {T}, I knew it had a story.'],
        ['A', "It does. I'm just not ready to tell it."],
      ],
      [
        ['B', 'Is this {T} yours?'],
        ['A', "It is. I've been looking for it for ages."],
      ],
      [
        ['A', 'You noticed the {T} too?'],
        ['B', "Hard not to. It looks like it's been waiting for someone."],
      ],
      [
        ['C', 'You brought the {T} again?'],
        ['A', 'I feel steadier with it around.'],
      ],
    ],
    middle: [
      [
        ['B', "I've been thinking about the {T} all day."],
        ['A', 'And?'],
        ['B', 'I figured out half of it. You have to tell me the other half.'],
      ],
      [
        ['C', 'Ever wonder why the {T} ended up with you, of all people?'],
        ['A', 'All the time. Maybe some things come looking for you.'],
      ],
      [
        ['B', 'Be honest. What does the {T} mean to you?'],
        ['A', "It's a sentence I never got to finish."],
      ],
      [
        ['A', "If it weren't for the {T}, we would never have met."],
        ['B', 'Then I owe it a thank-you.'],
      ],
      [
        ['C', 'You still have the {T}?'],
        ['A', "I do. Some things you don't throw away."],
      ],
    ],
    late: [
      [
        ['A', "Without the {T}, I'd still be going around in circles."],
        ['B', 'And now?'],
        ['A', 'Now I know which way to go.'],
      ],
      [
        ['A', 'I want you to keep the {T}.'],
        ['B', "…I'll take good care of it."],
      ],
      [
        ['B', 'Remember the {T}?'],
        ['A', 'How could I forget? Everything started with it.'],
      ],
    ],
  },
  place: {
    early: [
      [
        ['B', 'You come to {P} a lot too?'],
        ['A', "Almost every day. Strange that I've never seen you before."],
      ],
      [
        ['C', 'Back at {P} again?'],
        ['A', 'Some things I can only say there.'],
      ],
    ],
    middle: [
      [
        ['A', "I've come to {P} alone more times than I can count."],
        ['B', "You won't have to come alone anymore."],
      ],
      [
        ['A', 'Every time I come to {P}, I think of that day.'],
        ['B', "Then let's come more often and make new memories."],
      ],
      [
        ['B', "{^P} hasn't changed a bit."],
        ['A', 'We have.'],
      ],
    ],
    late: [
      [
        ['B', 'Same time next week, at {P}?'],
        ['A', "It's a deal. Our old spot."],
      ],
    ],
  },
  filler: [
    [
      ['B', "Is there a place you've always wanted to go and never did?"],
      ['A', 'Plenty. I always thought there would be time later.'],
    ],
    [
      ['C', "I'll bet you this ends well."],
      ['A', 'What are we betting?'],
      ['C', "Dinner. If I lose, I'm paying."],
    ],
    [
      ['A', "Thank you. I don't say that often."],
      ['B', "I know. That's why I'll remember it."],
    ],
    [
      ['B', 'What did you want to be when you were little?'],
      ['A', "Don't laugh. Someone people feel safe around."],
    ],
    [
      ['C', "You've changed lately."],
      ['A', 'For better or for worse?'],
      ['C', 'More like yourself.'],
    ],
    [
      ['A', "Sometimes I feel like I've been waiting for an answer my whole life."],
      ['B', "Maybe the answer's been waiting for you to ask."],
    ],
    [
      ['B', 'You always say only half of what you mean.'],
      ['A', 'The other half has to wait for the right moment.'],
    ],
    [
      ['C', 'Have some water. Take it slow.'],
      ['A', "I'm fine. I just don't know where to start."],
    ],
    [
      ['B', "You're quiet today."],
      ['A', "Just thinking. I'll tell you when I've figured it out."],
    ],
    [
      ['C', "Can I be honest with you? Don't get mad."],
      ['A', 'When have I ever gotten mad at you for being honest?'],
      ['C', 'Every single time.'],
    ],
    [
      ['A', 'Why do you keep helping me?'],
      ['B', 'Because I want to see how far the two of us can go.'],
    ],
    [
      ['B', "Take a break if you're tired. I'm right here."],
      ['A', "With you here, it doesn't feel so hard anymore."],
    ],
    [
      ['C', 'You two have been spending a lot of time together.'],
      ['A', "Don't start."],
      ['C', "I didn't say a word."],
    ],
    [
      ['A', "If I'd never come here, where do you think I'd be now?"],
      ['B', "No idea. But I'm glad you came."],
    ],
    [
      ['B', "What's so funny?"],
      ['A', 'Nothing. It just hit me that things are not so bad after all.'],
    ],
    [
      ['C', "If you need help, ask. Don't carry it all by yourself."],
      ['A', 'Yes, yes. I heard you the first time.'],
    ],
  ],
  work: [
    [
      ['B', 'Is it hard, being {aRoleA}?'],
      ['A', 'It is. But somebody has to do it.'],
    ],
    [
      ['A', 'How long have you been {aRoleB}?'],
      ['B', "Long enough that I've stopped counting."],
      ['A', 'You must really love it.'],
    ],
    [
      ['C', 'After {grindA}, what are you actually after?'],
      ['A', 'One day, looking back, I want no regrets.'],
    ],
    [
      ['B', "Who'd have thought {pairRoles} would have this much to talk about?"],
      ['A', 'Not me. And yet here we are.'],
    ],
    [
      ['A', 'I used to think being {aRoleA} was all I was.'],
      ['B', 'And now?'],
      ['A', "Now I think something's missing."],
    ],
    [
      ['C', 'When does {aRoleA} like you ever take a day off?'],
      ['A', 'When this is over.'],
      ['C', 'You said that last time.'],
    ],
  ],
  second: {
    A: 'I know what I have to do now.',
    B: "I'm going to remember you said that.",
    C: 'Call me if you need me. Any time. I mean it.',
    D: "That's all I have to say. Think it over carefully.",
  },
  thingIncident: [
    {
      name: 'the {T}',
      lines: [
        ['B', 'This {T} is yours, right?'],
        ['A', '…How did you end up with it?'],
        ['B', 'Let’s say it found its own way to me.'],
      ],
    },
    {
      name: 'a tug-of-war over the {T}',
      lines: [
        ['A', 'Let go. I saw the {T} first.'],
        ['B', 'Maybe. But my name is written on it.'],
      ],
    },
  ],
  placeIncident: [
    {
      name: 'a collision at {P}',
      lines: [
        ['B', 'Sorry, I walked right into you. Do you come to {P} often?'],
        ['A', 'I do. But something feels different today.'],
      ],
    },
  ],
};

export const THREADS: Record<Language, ThreadText> = { zh: ZH, en: EN };

/** The slots an exchange about one thing needs: {T}, {thisT} (这本诗集, this umbrella), {mT} (本诗集). */
export function thingSlots(thing: PromptThing, language: Language): Slots {
  if (language === 'zh') {
    const bare = thing.text.startsWith('《') ? thing.text : thing.text;
    return { T: bare, thisT: `这${thing.measure}${bare}`, mT: `${thing.measure}${bare}` };
  }
  return { T: thing.text, thisT: `this ${thing.text}`, mT: thing.text };
}

export const placeSlots = (place: string, language: Language): Slots => ({
  P: language === 'zh' ? place : withThe(place),
});
