// What the status bar and headless commands show about the shared session. Plain data, no methods.
export interface SessionInfo {
  contextName: string;
  /** `host:port` of every endpoint, in failover order. */
  endpoints: string[];
  /** The nodes calls fan out to when a pane names none (talosconfig or -n). */
  nodes: string[];
  /** Roles from the client certificate's subject O, e.g. ['os:admin']. */
  roles: string[];
  certNotAfter: Date | null;
  /** The endpoint that last answered, or null before the first successful call. */
  activeEndpoint: string | null;
}
