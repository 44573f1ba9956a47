/**
 * The preload of the Porthole window (sandboxed, context-isolated). It exposes exactly one object,
 * `window.porthole`, whose invoke/send/on forward contract channels only.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadBridge } from './bridge';

contextBridge.exposeInMainWorld('porthole', createPreloadBridge(ipcRenderer));
