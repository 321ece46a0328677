// The reactions the room offers. The wire carries the emoji (what other clients expect); the UI
// draws an icon and a label instead, since headless and many Linux browsers have no emoji font.
import type { ComponentType } from 'react';
import { HeartIcon, SmileIcon, SparkleIcon, ThumbsUpIcon } from '../../components/icons.tsx';

export interface ReactionKind {
  emoji: string;
  label: string;
  Icon: ComponentType;
}

export const reactionKinds: readonly ReactionKind[] = [
  { emoji: '👍', label: 'Thumbs up', Icon: ThumbsUpIcon },
  { emoji: '❤️', label: 'Love', Icon: HeartIcon },
  { emoji: '😂', label: 'Laugh', Icon: SmileIcon },
  { emoji: '🎉', label: 'Celebrate', Icon: SparkleIcon },
];

export function reactionKind(emoji: string): ReactionKind | undefined {
  return reactionKinds.find((kind) => kind.emoji === emoji);
}
