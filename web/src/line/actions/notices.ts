import { useSyncExternalStore } from 'react';

/** What happened to the last move made from this device, said above the line. */
export interface LineNotice {
  readonly id: number;
  readonly text: string;
  /** `alert` for a move that did not happen (read out at once), `status` for one that did. */
  readonly tone: 'status' | 'alert';
}

/**
 * One notice for the whole line, outside the rows: after a conflict the row is read again and may
 * have left the line (seated on another device), taking anything it showed with it.
 */
class LineNotices {
  private current: LineNotice | null = null;
  private next = 1;
  private readonly listeners = new Set<() => void>();

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): LineNotice | null => this.current;

  say(text: string, tone: LineNotice['tone']): void {
    this.current = { id: this.next++, text, tone };
    this.emit();
  }

  dismiss(id: number): void {
    if (this.current?.id !== id) return;
    this.current = null;
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

export const lineNotices = new LineNotices();

export function useLineNotice(): LineNotice | null {
  return useSyncExternalStore(lineNotices.subscribe, lineNotices.getSnapshot);
}
