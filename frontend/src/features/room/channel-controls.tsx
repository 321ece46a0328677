import { useState } from 'react';
import { ChatIcon, HandIcon, PeopleIcon, SmileIcon } from '../../components/icons.tsx';
import { reactionKinds } from './reactions.ts';

export type SidePanel = 'chat' | 'people' | null;

interface Props {
  handRaised: boolean;
  unread: number;
  peopleCount: number;
  panel: SidePanel;
  onToggleHand: () => void;
  onReact: (emoji: string) => void;
  onTogglePanel: (panel: 'chat' | 'people') => void;
}

/** The call controls that go through the realtime channel rather than the SFU. */
export function ChannelControls(props: Props) {
  const [reacting, setReacting] = useState(false);
  const chatLabel = props.unread > 0 ? `Chat, ${props.unread} unread` : 'Chat';
  return (
    <>
      <button
        type="button"
        aria-pressed={props.handRaised}
        aria-label="Raise hand"
        title={props.handRaised ? 'Lower your hand (H)' : 'Raise your hand (H)'}
        className={props.handRaised ? 'toggle raised' : 'toggle'}
        onClick={props.onToggleHand}
      >
        <HandIcon />
        <span className="control-label">{props.handRaised ? 'Lower hand' : 'Raise hand'}</span>
      </button>
      <div
        className="reaction-menu"
        onKeyDown={(event) => {
          if (event.key === 'Escape') setReacting(false);
        }}
      >
        <button
          type="button"
          aria-expanded={reacting}
          aria-controls="reaction-choices"
          aria-label="Reactions"
          onClick={() => {
            setReacting((open) => !open);
          }}
        >
          <SmileIcon />
          <span className="control-label">React</span>
        </button>
        {reacting && (
          <div id="reaction-choices" className="reaction-choices" role="group" aria-label="Send a reaction">
            {reactionKinds.map(({ emoji, label, Icon }) => (
              <button
                key={emoji}
                type="button"
                aria-label={label}
                title={label}
                onClick={() => {
                  props.onReact(emoji);
                  setReacting(false);
                }}
              >
                <Icon />
              </button>
            ))}
          </div>
        )}
      </div>
      <button
        type="button"
        aria-pressed={props.panel === 'chat'}
        aria-label={chatLabel}
        title="Chat"
        className="with-badge"
        onClick={() => {
          props.onTogglePanel('chat');
        }}
      >
        <ChatIcon />
        <span className="control-label">Chat</span>
        {props.unread > 0 && (
          <span className="badge" data-testid="unread-count" aria-hidden="true">
            {props.unread > 99 ? '99+' : props.unread}
          </span>
        )}
      </button>
      <button
        type="button"
        aria-pressed={props.panel === 'people'}
        aria-label={`Participants (${props.peopleCount})`}
        title="Participants"
        onClick={() => {
          props.onTogglePanel('people');
        }}
      >
        <PeopleIcon />
        <span className="control-label">People</span>
      </button>
    </>
  );
}
