// What <blaze-face> does when the compute context under its detector is lost (GPU reset, driver update,
// engine failure): report it and build a new detector. A detector that is lost in its turn before it has
// detected anything is not rebuilt again, because that would loop for as long as the cause lasts; the element
// then stops with an error, and start() (its "Try again" button) begins afresh.

export class ContextLossRecovery {
  /** The current detector replaced a lost one and has not detected anything yet. */
  #unproven = false;

  /** The current detector was lost: whether to build another one. */
  shouldRecreate(): boolean {
    const recreate = !this.#unproven;
    this.#unproven = true;
    return recreate;
  }

  /** The current detector has produced a result, so the next loss is worth recovering from again; whether it was a replacement's first. */
  succeeded(): boolean {
    const recovered = this.#unproven;
    this.#unproven = false;
    return recovered;
  }

  /** A new start asked for by the page or the person: earlier losses no longer count. */
  reset(): void {
    this.#unproven = false;
  }
}
