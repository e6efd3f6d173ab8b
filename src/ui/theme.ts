// Colour on/off for the whole UI. https://no-color.org: when NO_COLOR is set (and not empty) no colour
// escapes at all; FORCE_COLOR=0 means the same. (Minimal version written by the shell; extend freely.)
const noColor = process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '';
export const colorEnabled = !noColor && process.env['FORCE_COLOR'] !== '0';
