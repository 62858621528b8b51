// Error constructors in one place so every builder check reads "<op>: <problem>" as the spec's TypeErrors do.

export function opError(op: string, problem: string): TypeError {
  return new TypeError(`${op}: ${problem}`);
}

export function invalidState(message: string): DOMException {
  return new DOMException(message, 'InvalidStateError');
}
