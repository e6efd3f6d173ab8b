// How the use cases name a user's file in their messages: relative to the working directory when
// it is below it, else as given (core/display-path.ts has the rule; this binds it to process.cwd()).
import { displayPath } from '../core/display-path.js';

export const shortPath = (file: string, cwd = process.cwd()): string => displayPath(file, cwd);
