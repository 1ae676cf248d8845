/**
 * The status-bar toggle for inline completions (`zombiecoder.completion.enabled`).
 *
 * Pure: the text, tooltip and where to write the flipped value are decided here (unit-tested);
 * extension.ts only paints the item and writes the setting.
 */

export const COMPLETION_SETTING = "completion.enabled";

export interface ToggleLook {
  text: string;
  tooltip: string;
  /** accessibility label read by screen readers */
  ariaLabel: string;
}

export function toggleLook(enabled: boolean, serverRunning: boolean): ToggleLook {
  const state = enabled ? "on" : "off";
  const suffix = serverRunning ? "" : " (the server is not running)";
  return {
    text: enabled ? "ZC ✓ completions" : "ZC ✗ completions off",
    tooltip: `ZombieCoder inline completions are ${state}${suffix}. Click to turn them ${enabled ? "off" : "on"}.`,
    ariaLabel: `ZombieCoder inline completions ${state}`,
  };
}

/** Where each scope's value of the setting stands, as `WorkspaceConfiguration.inspect` gives it. */
export interface SettingScopes {
  defaultValue?: boolean;
  globalValue?: boolean;
  workspaceValue?: boolean;
  workspaceFolderValue?: boolean;
}

export type Target = "global" | "workspace" | "workspaceFolder";

/** The effective value: the most specific scope that is set wins; the default is on. */
export function effectiveEnabled(s: SettingScopes): boolean {
  return s.workspaceFolderValue ?? s.workspaceValue ?? s.globalValue ?? s.defaultValue ?? true;
}

/**
 * Flip the effective value by writing it where it is decided: the most specific scope that is set
 * (writing to User settings would change nothing when the workspace sets it), else User settings.
 */
export function flip(s: SettingScopes): { value: boolean; target: Target } {
  const value = !effectiveEnabled(s);
  if (s.workspaceFolderValue !== undefined) return { value, target: "workspaceFolder" };
  if (s.workspaceValue !== undefined) return { value, target: "workspace" };
  return { value, target: "global" };
}
