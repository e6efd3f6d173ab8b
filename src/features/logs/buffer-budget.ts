// The memory budget of the Logs pane's buffer (every line of every stream together), set once at
// start-up from --log-buffer-mb. A setting of the process rather than a prop: the pane is lazily
// loaded and remounted per session, and every instance must keep to the operator's number.
import { DEFAULT_MAX_BYTES } from '../../core/logs/ring-buffer.js';

let budgetBytes = DEFAULT_MAX_BYTES;

export function setLogBufferMb(mb: number): void {
  budgetBytes = Math.max(1, Math.floor(mb * 1024 * 1024));
}

export function logBufferBytes(): number {
  return budgetBytes;
}
