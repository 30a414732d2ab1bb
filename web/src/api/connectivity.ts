/**
 * Whether the API can be reached: the browser's own online flag and the outcome of the latest
 * request. How old the data on screen is belongs to the query that holds it (dataUpdatedAt).
 */
export interface ConnectivitySnapshot {
  readonly online: boolean;
  readonly browserOnline: boolean;
  readonly apiReachable: boolean;
}

/** Gateway answers that mean the API behind it is not there (APIM or a proxy in front of a stopped app). */
const unreachableStatuses = new Set([502, 503, 504]);

export class Connectivity {
  private snapshot: ConnectivitySnapshot;
  private readonly listeners = new Set<() => void>();

  constructor(browserOnline: boolean) {
    this.snapshot = { online: browserOnline, browserOnline, apiReachable: true };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): ConnectivitySnapshot => this.snapshot;

  /** Counts the browser's offline events: an answer to a request sent before the latest one says nothing about now. */
  private offlineEvents = 0;

  setBrowserOnline(browserOnline: boolean): void {
    if (!browserOnline) this.offlineEvents += 1;
    this.update({ browserOnline });
  }

  /** The network, watched: a failed connection or a gateway error marks the API unreachable, any other answer reachable. */
  watch(send: (request: Request) => Promise<Response>): (request: Request) => Promise<Response> {
    return async (request) => {
      const sentAfter = this.offlineEvents;
      let response: Response;
      try {
        response = await send(request);
      } catch (error) {
        this.update({ apiReachable: false });
        throw error;
      }
      if (unreachableStatuses.has(response.status)) this.update({ apiReachable: false });
      // An answer proves the network is back only if the request left after the device last went offline.
      else this.update(sentAfter === this.offlineEvents ? { apiReachable: true, browserOnline: true } : { apiReachable: true });
      return response;
    };
  }

  private update(change: Partial<Pick<ConnectivitySnapshot, 'browserOnline' | 'apiReachable'>>): void {
    const browserOnline = change.browserOnline ?? this.snapshot.browserOnline;
    const apiReachable = change.apiReachable ?? this.snapshot.apiReachable;
    if (browserOnline === this.snapshot.browserOnline && apiReachable === this.snapshot.apiReachable) return;
    this.snapshot = { online: browserOnline && apiReachable, browserOnline, apiReachable };
    for (const listener of this.listeners) listener();
  }
}
