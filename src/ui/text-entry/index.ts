// The console's single text-entry implementation: see use-text-entry.ts.
export { editKey, type EditResult } from './text-edit.js';
export { TextField, type TextFieldProps } from './TextField.js';
export { useTextEntry, type TextEntry, type TextEntryHandlers } from './use-text-entry.js';
