import { useCallback, useState } from 'react';

const key = 'video-rooms:name';

function read(): string {
  try {
    return localStorage.getItem(key) ?? '';
  } catch {
    // Storage can be disabled (private mode, policies); the name is then just not remembered.
    return '';
  }
}

/** The display name, remembered across visits. */
export function useStoredName(): [string, (name: string) => void] {
  const [name, setName] = useState(read);
  const remember = useCallback((next: string) => {
    setName(next);
    try {
      localStorage.setItem(key, next.trim());
    } catch {
      // See read().
    }
  }, []);
  return [name, remember];
}
