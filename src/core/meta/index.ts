// META network config (key 0x0a): model, validation, canonical rendering, boot-time encoding.
export * from './model.js';
export { ipFamily, prefixFamily, isDnsLabel, isDnsName } from './net.js';
export { parseMetaNetworkConfig, renderMetaNetworkConfig, summarize, errorsOf, type MetaParseResult } from './document.js';
export {
  encodeInstallerMeta, decodeInstallerMeta, encodeProblem, kernelArgument, imagerMetaFlag, metaAssignment, shellQuote,
  META_ENV_VAR, KERNEL_CMDLINE_MAX, type Gzip, type Gunzip, type MetaValue,
} from './encode.js';
export { lineDiff, hasChanges, formatDiff, type DiffLine } from './diff.js';
