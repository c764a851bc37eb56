import { EnvironmentProviders, inject, provideEnvironmentInitializer } from '@angular/core';
import { MatIconRegistry } from '@angular/material/icon';
import { DomSanitizer } from '@angular/platform-browser';
import {
  mdiAccountCheckOutline,
  mdiAccountCircleOutline,
  mdiAccountMultipleOutline,
  mdiAccountOffOutline,
  mdiAlertCircleOutline,
  mdiAlertOutline,
  mdiArrowLeft,
  mdiCancel,
  mdiCheckCircleOutline,
  mdiChevronRight,
  mdiClipboardTextClockOutline,
  mdiClockOutline,
  mdiClose,
  mdiCloseCircleOutline,
  mdiContentCopy,
  mdiDeleteOutline,
  mdiDownload,
  mdiEmailAlertOutline,
  mdiEyeOffOutline,
  mdiEyeOutline,
  mdiFilterRemoveOutline,
  mdiFlaskOutline,
  mdiHistory,
  mdiInboxOutline,
  mdiInformationOutline,
  mdiKeyChange,
  mdiKeyVariant,
  mdiLockOutline,
  mdiLogout,
  mdiMenu,
  mdiPause,
  mdiPauseCircleOutline,
  mdiPencilOutline,
  mdiPlay,
  mdiPlus,
  mdiProgressClock,
  mdiRefresh,
  mdiReplay,
  mdiSend,
  mdiSendOutline,
  mdiShieldAlertOutline,
  mdiShieldCheckOutline,
  mdiSync,
  mdiWebhook,
} from '@mdi/js';

/**
 * Icons are inline SVG paths (tree-shaken from @mdi/js), registered by name: no icon font,
 * nothing fetched from a CDN, so the console works offline and stays small.
 */
const ICONS: Record<string, string> = {
  webhook: mdiWebhook,
  deliveries: mdiSendOutline,
  audit: mdiClipboardTextClockOutline,
  users: mdiAccountMultipleOutline,
  token: mdiKeyVariant,
  menu: mdiMenu,
  logout: mdiLogout,
  add: mdiPlus,
  copy: mdiContentCopy,
  refresh: mdiRefresh,
  replay: mdiReplay,
  pause: mdiPause,
  play: mdiPlay,
  delete: mdiDeleteOutline,
  edit: mdiPencilOutline,
  rotate: mdiKeyChange,
  send: mdiSend,
  success: mdiCheckCircleOutline,
  error: mdiAlertCircleOutline,
  warning: mdiAlertOutline,
  info: mdiInformationOutline,
  back: mdiArrowLeft,
  download: mdiDownload,
  verify: mdiShieldCheckOutline,
  broken: mdiShieldAlertOutline,
  'filter-clear': mdiFilterRemoveOutline,
  close: mdiClose,
  chevron: mdiChevronRight,
  show: mdiEyeOutline,
  hide: mdiEyeOffOutline,
  clock: mdiClockOutline,
  cancelled: mdiCancel,
  account: mdiAccountCircleOutline,
  test: mdiFlaskOutline,
  lock: mdiLockOutline,
  empty: mdiInboxOutline,
  pending: mdiProgressClock,
  'dead-letter': mdiEmailAlertOutline,
  paused: mdiPauseCircleOutline,
  failed: mdiCloseCircleOutline,
  retrying: mdiSync,
  history: mdiHistory,
  'user-off': mdiAccountOffOutline,
  'user-on': mdiAccountCheckOutline,
};

export function provideIcons(): EnvironmentProviders {
  return provideEnvironmentInitializer(() => {
    const registry = inject(MatIconRegistry);
    const sanitizer = inject(DomSanitizer);
    for (const [name, path] of Object.entries(ICONS)) {
      registry.addSvgIconLiteral(
        name,
        sanitizer.bypassSecurityTrustHtml(
          `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="${path}"/></svg>`,
        ),
      );
    }
  });
}
