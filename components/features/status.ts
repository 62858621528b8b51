// The status feature: the element's state (idle, loading, running, paused, error) as a property, a CSS custom
// state (`:state(running)`) and a status line, with a "Try again" button after an error; and its error events.

import { html, type ReactiveController, type TemplateResult } from 'lit';
import { BlazeFaceError, type BlazeFaceErrorType } from '../events.ts';
import type { FeatureHost } from './host.ts';

export type BlazeFaceState = 'idle' | 'loading' | 'running' | 'paused' | 'error';

const states: readonly BlazeFaceState[] = ['idle', 'loading', 'running', 'paused', 'error'];

export class StatusFeature implements ReactiveController {
  #host: FeatureHost;
  #internals: ElementInternals;
  #retry: () => void;
  #state: BlazeFaceState = 'idle';
  #message = '';

  constructor(host: FeatureHost, internals: ElementInternals, retry: () => void) {
    this.#host = host;
    this.#internals = internals;
    this.#retry = retry;
    host.addController(this);
  }

  hostConnected(): void {
    this.#internals.states.add(this.#state);
  }

  get state(): BlazeFaceState {
    return this.#state;
  }

  /** The element is analysing or holding its source. */
  get active(): boolean {
    return this.#state === 'running' || this.#state === 'paused';
  }

  set(state: BlazeFaceState, message = ''): void {
    this.#state = state;
    this.#message = message;
    for (const known of states) this.#internals.states.delete(known);
    this.#internals.states.add(state);
    this.#host.requestUpdate();
  }

  /** The `error` state, its message shown and sent as an `error` event (a BlazeFaceError's own type, else unsupported-source). */
  fail(error: unknown): void {
    const failure = error instanceof BlazeFaceError ? error : new BlazeFaceError('unsupported-source', error instanceof Error ? error.message : String(error));
    this.set('error', failure.message);
    this.#host.dispatchEvent(new CustomEvent('error', { detail: failure.detail }));
  }

  /** An `error` event, which need not change the state (a rejected attribute, a recovered context loss). */
  emitError(type: BlazeFaceErrorType, message: string): void {
    this.#host.dispatchEvent(new CustomEvent('error', { detail: { type, message } }));
  }

  render(): TemplateResult {
    return html`
      <div part="status" class="status" role="status" ?hidden=${!this.#message}>
        <span>${this.#message}</span>
        ${this.#state === 'error' ? html`<button part="retry-button" @click=${this.#retry}>Try again</button>` : null}
      </div>
    `;
  }
}
