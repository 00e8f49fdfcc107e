// The CLI is a binary; this entry exposes the pieces other packages' tests reuse.
export { readStackFile, serviceOfStream, type StackFile } from './stack-file.js';
