import { type SubmitEvent, useEffect, useRef, useState } from 'react';
import { type ChatMessage, MAX_CHAT_LENGTH } from '../../services/room-channel.ts';

interface Props {
  messages: readonly ChatMessage[];
  ownId: string | null;
  onSend: (text: string) => Promise<void>;
  onClose: () => void;
}

function timeOf(sentAt: string): string {
  const date = new Date(sentAt);
  return Number.isNaN(date.getTime())
    ? ''
    : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** The room's chat: history from the join reply, then live messages, and a send box. */
export function ChatPanel({ messages, ownId, onSend, onClose }: Props) {
  const [draft, setDraft] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [messages.length]);

  const send = () => {
    if (!draft.trim() || sending) return;
    setSending(true);
    setError(null);
    onSend(draft).then(
      () => {
        setDraft('');
        setSending(false);
      },
      (failure: unknown) => {
        setError(failure instanceof Error ? failure.message : String(failure));
        setSending(false);
      },
    );
  };
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    send();
  };

  const left = MAX_CHAT_LENGTH - draft.length;
  return (
    <aside className="side-panel chat-panel" aria-label="Chat">
      <header className="side-panel-header">
        <h2>Chat</h2>
        <button type="button" className="icon-button" aria-label="Close chat" onClick={onClose}>
          ×
        </button>
      </header>
      <ol ref={listRef} className="chat-list" aria-live="polite" aria-label="Chat messages">
        {messages.length === 0 && <li className="muted empty">No messages yet.</li>}
        {messages.map((message) => (
          <li
            key={message.id}
            className={message.participant_id === ownId ? 'chat-message own' : 'chat-message'}
            data-message-id={message.id}
          >
            <div className="chat-meta">
              <span className="chat-name">{message.name}</span>
              <time dateTime={message.sent_at}>{timeOf(message.sent_at)}</time>
            </div>
            <p className="chat-text">{message.text}</p>
          </li>
        ))}
      </ol>
      <form className="chat-form" onSubmit={submit} aria-label="Send a message">
        <textarea
          ref={inputRef}
          name="message"
          aria-label="Message"
          placeholder="Message everyone"
          rows={2}
          maxLength={MAX_CHAT_LENGTH}
          value={draft}
          onChange={(event) => {
            setDraft(event.target.value);
          }}
          onKeyDown={(event) => {
            // Enter sends, Shift+Enter starts a new line (as in most chat apps).
            if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              send();
            }
          }}
        />
        <div className="chat-form-row">
          <span className={left < 100 ? 'small warning' : 'small muted'} aria-live="polite">
            {left < 100 ? `${left} characters left` : ''}
          </span>
          <button type="submit" className="primary" disabled={sending || !draft.trim()}>
            Send
          </button>
        </div>
        {error && (
          <p className="warning small" role="alert">
            Not sent: {error}
          </p>
        )}
      </form>
    </aside>
  );
}
