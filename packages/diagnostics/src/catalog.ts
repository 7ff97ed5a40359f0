import type { Severity } from './diagnostic.js';

export interface CatalogEntry {
  severity: Severity;
  /** A short title, shown by documentation and by `excite explain`-style listings. */
  title: string;
  /** The default hint when the reporting site has nothing more specific to say. */
  hint?: string;
}

/**
 * Every diagnostic excite can report. Codes are stable: a code is never reused for another meaning.
 * E01xx syntax · E02xx names and scoping · E03xx types and values · E04xx shapes · E05xx files and CLI input.
 */
export const CATALOG = {
  // --- syntax -------------------------------------------------------------------------------------------------
  E0101: { severity: 'error', title: 'unexpected character', hint: 'remove the character or put it inside a "string"' },
  E0102: { severity: 'error', title: 'unterminated string', hint: 'close the string with " on the same line' },
  E0103: { severity: 'error', title: 'unterminated block comment', hint: 'close the comment with */' },
  E0104: { severity: 'error', title: 'unexpected token' },
  E0105: { severity: 'error', title: 'malformed number', hint: 'write integers like 64, decimals like 0.2 or 1e-5, sizes like 3x3' },
  E0106: { severity: 'error', title: 'malformed model name', hint: 'model names are letters, digits and single dashes, like se-resnet-50' },
  E0107: { severity: 'error', title: 'source nested too deeply', hint: 'split the model into named blocks' },

  // --- names and scoping ------------------------------------------------------------------------------------
  E0201: { severity: 'error', title: 'unknown layer or block' },
  E0202: { severity: 'error', title: 'unknown argument' },
  E0203: { severity: 'error', title: 'duplicate definition', hint: 'give each block, model, parameter and stage its own name' },
  E0204: { severity: 'error', title: 'unknown model' },
  E0205: { severity: 'error', title: 'import not found', hint: 'import paths are relative to the importing file' },
  E0206: { severity: 'error', title: 'import cycle', hint: 'move the shared blocks into a file both can import' },
  E0207: { severity: 'error', title: 'unknown stage' },
  E0208: { severity: 'error', title: 'unknown SE setting' },
  E0209: { severity: 'error', title: 'argument given twice', hint: 'remove one of the two' },
  E0210: { severity: 'error', title: 'missing argument' },
  E0211: { severity: 'error', title: 'too many positional arguments', hint: 'name the extra arguments (name: value)' },
  E0212: { severity: 'error', title: 'unknown name in expression' },
  E0213: { severity: 'error', title: 'recursive block', hint: 'a block may not call itself, directly or through other blocks' },
  E0214: { severity: 'error', title: 'statement not allowed here' },

  // --- types and values -------------------------------------------------------------------------------------
  E0301: { severity: 'error', title: 'type mismatch' },
  E0302: { severity: 'error', title: 'value out of range' },
  E0303: { severity: 'error', title: 'division by zero' },
  E0304: { severity: 'error', title: 'value not allowed' },
  E0305: { severity: 'error', title: 'model header incomplete', hint: 'a model needs `input C x H x W` and `classes N` (its own or inherited)' },
  E0306: { severity: 'error', title: 'unknown parameter override', hint: 'a variant may override only parameters its base model declares with `param`' },
  E0307: { severity: 'error', title: 'model has no layers', hint: 'write the layers in the model body, or extend a model that has them' },
  E0308: { severity: 'error', title: 'model too large', hint: 'check repeat counts and widths; excite refuses graphs that cannot be real networks' },

  // --- shapes -----------------------------------------------------------------------------------------------
  E0401: { severity: 'error', title: 'SE reduction does not divide the channels' },
  E0402: { severity: 'error', title: 'groups do not divide the channels' },
  E0403: { severity: 'error', title: 'spatial size too small', hint: 'use a larger --input, less striding, or padding' },
  E0404: { severity: 'error', title: 'residual branches disagree in shape', hint: 'add a projection shortcut: `shortcut { conv(1x1, C, stride: s); bn }`' },
  E0405: { severity: 'error', title: 'concat branches disagree in spatial size', hint: 'give every branch the same stride and padding' },
  E0406: { severity: 'error', title: 'layer needs a flat input', hint: 'insert `global_pool` or `flatten` before `dense`' },
  E0407: { severity: 'error', title: 'SE integration needs a residual block', hint: 'SE-PRE, SE-POST and SE-Identity place the SE relative to a `residual`; use integration: standard elsewhere' },
  E0408: { severity: 'error', title: 'output does not match classes', hint: 'end the model with `dense(classes)` (and optionally `softmax`)' },
  E0409: { severity: 'error', title: 'invalid shape for layer' },

  // --- files and command line -------------------------------------------------------------------------------
  E0501: { severity: 'error', title: 'file not found' },
  E0502: { severity: 'error', title: 'unknown zoo model' },
  E0503: { severity: 'error', title: 'invalid command-line value' },
  E0504: { severity: 'error', title: 'file has several models', hint: 'name the model to use' },
  E0505: { severity: 'error', title: 'cannot write file', hint: 'check that the folder exists and is writable' },
  E0506: { severity: 'error', title: 'reference output not finite', hint: 'try another --seed or --input size' },
} as const satisfies Record<string, CatalogEntry>;

export type DiagnosticCode = keyof typeof CATALOG;
