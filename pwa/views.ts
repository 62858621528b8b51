// The app's three views: the first screen (what the app is for, two ways in), the photo gallery and the live
// camera. One shows at a time; any button with a data-view attribute switches, and focus moves to the new view's
// heading so that keyboard and screen-reader users land where the content changed. The view is in the URL's
// fragment (#gallery, #live), so a reload stays on it and the browser's Back button goes back to the first screen.
import { byId } from './dom.ts';

export const views = ['start', 'gallery', 'live'] as const;
export type View = (typeof views)[number];

const isView = (name: string | undefined): name is View => views.includes(name as View);

/** The view the URL names: the first screen when it names none. */
const linkedView = (): View => {
  const name = location.hash.slice(1);
  return isView(name) ? name : 'start';
};

function show(view: View): void {
  for (const name of views) byId(name, HTMLElement).hidden = name !== view;
}

/** Switches to `view`, as a new entry in the browser's history, with focus on its heading. */
export function showView(view: View): void {
  show(view);
  if (linkedView() !== view) history.pushState(null, '', view === 'start' ? location.pathname + location.search : `#${view}`);
  byId(`${view}-heading`, HTMLHeadingElement).focus();
}

/** Shows the view the URL names and wires the view buttons and history; `onShow` hears of each view shown. */
export function wireViews(onShow: (view: View) => void): void {
  const initial = linkedView();
  show(initial);
  onShow(initial);
  document.addEventListener('click', (event) => {
    const view = (event.target as Element | null)?.closest<HTMLElement>('[data-view]')?.dataset.view;
    if (!isView(view)) return;
    showView(view);
    onShow(view);
  });
  window.addEventListener('popstate', () => {
    const view = linkedView();
    show(view);
    byId(`${view}-heading`, HTMLHeadingElement).focus();
    onShow(view);
  });
}

/** The view showing now. */
export function currentView(): View {
  return views.find((name) => !byId(name, HTMLElement).hidden) ?? 'start';
}
