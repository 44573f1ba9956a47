import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { ELECTRON_IPC } from '../../shared/ipc/channels';
import type { Contract } from '../../shared/ipc/contract';
import type { Dispatcher, SenderInfo } from '../../shared/ipc/dispatch';
import type { Disposable } from '../core/base/lifecycle';

/** The sender of an IPC message: the URL of its frame if that is the window's top frame, else nothing. */
export function senderOf(event: IpcMainEvent | IpcMainInvokeEvent): SenderInfo {
  const frame = event.senderFrame;
  const topFrame = frame !== null && frame !== undefined && frame === event.sender.mainFrame;
  return { url: topFrame ? frame.url : '', clientId: clientIdOf(event.sender) };
}

export function clientIdOf(contents: WebContents): string {
  return `window-${contents.id}`;
}

function unpack(message: unknown): { channel: unknown; payload: unknown } {
  if (typeof message !== 'object' || message === null) return { channel: undefined, payload: undefined };
  const { channel, payload } = message as { channel?: unknown; payload?: unknown };
  return { channel, payload };
}

/**
 * Registers the three transport channels on ipcMain. Every message goes through the one dispatcher,
 * which checks the channel, the sender (the dispatcher's trust policy) and the payload.
 */
export function registerIpc(ipcMain: IpcMain, dispatcher: Dispatcher<Contract>): Disposable {
  ipcMain.handle(ELECTRON_IPC.invoke, (event, message: unknown) => {
    const { channel, payload } = unpack(message);
    return dispatcher.dispatch(channel, payload, senderOf(event));
  });
  const onSend = (event: IpcMainEvent, message: unknown) => {
    const { channel, payload } = unpack(message);
    void dispatcher.dispatchSend(channel, payload, senderOf(event));
  };
  ipcMain.on(ELECTRON_IPC.send, onSend);
  return {
    dispose() {
      ipcMain.removeHandler(ELECTRON_IPC.invoke);
      ipcMain.removeListener(ELECTRON_IPC.send, onSend);
    },
  };
}

/** Forwards the dispatcher's events (broadcast or targeted at this window) to one window. */
export function forwardEvents(dispatcher: Dispatcher<Contract>, contents: WebContents): Disposable {
  const unsubscribe = dispatcher.events.subscribe(
    (channel, payload) => {
      if (!contents.isDestroyed()) contents.send(ELECTRON_IPC.event, { channel, payload });
    },
    { clientId: clientIdOf(contents) },
  );
  contents.once('destroyed', unsubscribe);
  return { dispose: unsubscribe };
}
