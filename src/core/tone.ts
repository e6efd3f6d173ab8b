// How a sentence for the operator reads: the one tone of status-bar messages, pane notes and the
// results of operations (the renderer maps it onto its palette, src/ui/shell/header-model.ts Tone).
export type MessageTone = 'info' | 'ok' | 'warn' | 'error';
