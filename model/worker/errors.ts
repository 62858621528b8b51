// Typed errors across the worker boundary: structured clone keeps only name and message of an Error, so the
// worker sends each class's fields and the page rebuilds an instance of the same class.

import {
  InvalidImageError, InvalidOptionError, ModelLoadError, TimeoutError, UnsupportedGraphError, type InvalidImageReason, type TimeoutStep, type UnsupportedGraphStage,
} from '../errors.ts';
import type { MLOperandDataType } from '../../webnn/types.ts';
import { ModelFormatError } from '../readers/imported-model.ts';
import type { SerializedError } from './protocol.ts';

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, string | undefined> = {};
  if (error instanceof InvalidImageError) fields.reason = error.reason;
  if (error instanceof InvalidOptionError) fields.option = error.option;
  if (error instanceof ModelLoadError) fields.url = error.url;
  if (error instanceof ModelFormatError) Object.assign(fields, { source: error.source, op: error.op });
  // By its fields, not its class: the detector's worker never makes one, and need not carry the class.
  if (error.name === 'TimeoutError' && 'step' in error) Object.assign(fields, { step: String(error.step), ms: String((error as TimeoutError).ms) });
  if (error instanceof UnsupportedGraphError) Object.assign(fields, { stage: error.stage, op: error.op, reason: error.reason, dataType: error.dataType });
  return { name: error.name, message: error.message, fields };
}

/** The message without the prefix a class's constructor adds again. */
function withoutPrefix(message: string, prefix: string): string {
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

export function reviveError({ name, message, fields }: SerializedError): Error {
  switch (name) {
    case 'InvalidImageError':
      return new InvalidImageError(fields.reason as InvalidImageReason, message);
    case 'InvalidOptionError':
      return new InvalidOptionError(fields.option ?? '', message);
    case 'ModelLoadError':
      return new ModelLoadError(fields.url ?? '', withoutPrefix(message, `The model at ${fields.url} `));
    case 'ModelFormatError':
      return new ModelFormatError(fields.source ?? '', withoutPrefix(message, `${fields.source}: `), fields.op);
    case 'UnsupportedGraphError':
      return new UnsupportedGraphError(fields.stage as UnsupportedGraphStage, fields.op, fields.reason ?? message, fields.dataType as MLOperandDataType | undefined);
    case 'TimeoutError':
      return fields.step ? TimeoutError.revive(fields.step as TimeoutStep, Number(fields.ms), message) : new DOMException(message, name);
    case 'InvalidStateError':
    case 'NotSupportedError':
      return new DOMException(message, name);
    default: {
      const error = new Error(message);
      error.name = name;
      return error;
    }
  }
}
