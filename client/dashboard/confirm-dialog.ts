/** The confirmation asked before clearing a session. */
import type { WireSession } from '../index.ts';
import { byId } from './dom.ts';

/** Asks whether to clear `session`; resolves true only when the operator confirms. */
export function confirmClear(session: WireSession): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>('confirm-clear');
  byId('confirm-id').textContent = session.id;
  byId('confirm-user').textContent = session.username;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'clear'), {
      once: true,
    });
    dialog.returnValue = '';
    dialog.showModal();
    byId('confirm-cancel').focus();
  });
}
