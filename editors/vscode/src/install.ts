/**
 * How "Install ZombieCoder" installs the server into the chosen interpreter, as the VS Code
 * Python tools template does: from the wheel the VSIX bundles (`bundled/zombiecoder-*.whl`,
 * built by scripts/build-vsix.sh), or editable from the open checkout when developing the server.
 * Never `pip install zombiecoder` from an index: no such package is published.
 *
 * Pure (no `vscode`): unit-tested.
 */

export interface InstallSource {
  /** a checkout of this project open in the workspace (developing the server) */
  checkout?: string;
  /** the wheel shipped inside the extension */
  wheel?: string;
}

export type InstallPlan =
  | { kind: "checkout" | "wheel"; args: string[]; commandLine: string }
  | { kind: "none"; reason: string };

/** POSIX shell quoting; PowerShell/cmd get double quotes. */
export function quoteArg(arg: string, platform: string = "linux"): string {
  if (/^[\w@%+=:,./\\-]+$/.test(arg)) return arg;
  if (platform === "win32") return `"${arg.replace(/"/g, '""')}"`;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The newest `zombiecoder-<version>-*.whl` among file names (PEP 427 names; versions compared numerically). */
export function pickWheel(names: readonly string[]): string | undefined {
  const wheels = names
    .map((n) => ({ n, m: /^zombiecoder-([0-9][^-]*)-.*\.whl$/.exec(n) }))
    .filter((w): w is { n: string; m: RegExpExecArray } => w.m !== null);
  const key = (v: string) => v.split(/[.+]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  wheels.sort((a, b) => {
    const ka = key(a.m[1]);
    const kb = key(b.m[1]);
    for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
      const x = ka[i] ?? -1;
      const y = kb[i] ?? -1;
      if (x === y) continue;
      if (typeof x === "number" && typeof y === "number") return y - x;
      return String(y).localeCompare(String(x));
    }
    return 0;
  });
  return wheels[0]?.n;
}

/**
 * The command that installs the server. A checkout wins over the bundled wheel: a developer wants
 * their working copy, editable. With neither, nothing is run and the reason says what to do.
 */
export function installPlan(python: string, source: InstallSource, platform: string = "linux"): InstallPlan {
  let args: string[];
  let kind: "checkout" | "wheel";
  if (source.checkout) {
    kind = "checkout";
    args = ["-m", "pip", "install", "-e", source.checkout];
  } else if (source.wheel) {
    kind = "wheel";
    args = ["-m", "pip", "install", source.wheel];
  } else {
    return {
      kind: "none",
      reason:
        "this build of the extension has no bundled server wheel; install the server from a checkout " +
        "(`python -m pip install -e <checkout>`) or set zombiecoder.server.python to an interpreter that has it",
    };
  }
  const commandLine = [python, ...args].map((a) => quoteArg(a, platform)).join(" ");
  // PowerShell needs the call operator to run a quoted program path
  return { kind, args, commandLine: platform === "win32" && commandLine.startsWith('"') ? `& ${commandLine}` : commandLine };
}
