/**
 * Native diff review of the server's proposals: the Apply / Show diff / Reject preview
 * opens the proposal in VS Code's diff editor (`vscode.diff` of the file against a virtual
 * `sea-proposal:` document of the proposed text), with Apply and Reject in the editor title
 * and in the notification. The answer goes back to the server's preview request, which
 * applies and records the decision as before. Also the "More SEA suggestions…" picker.
 */
import * as fs from "node:fs/promises";
import * as vscode from "vscode";
import type { MessageActionItem, ShowMessageRequestParams } from "vscode-languageclient/node";
import {
  APPLY,
  APPLY_SUGGESTION_COMMAND,
  applyPatch,
  parseSuggestions,
  parseUnifiedDiff,
  PROPOSAL_SCHEME,
  REJECT,
  SHOW_DIFF,
  suggestionPicks,
} from "./proposal";

export const REVIEWING_CONTEXT = "sea.reviewingProposal";

type Next = (command: string, args: unknown[]) => unknown;

export class ProposalReview implements vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [];
  private answer: ((title: string | undefined) => void) | undefined;
  private diffShown = false;

  constructor(private readonly output: vscode.OutputChannel) {
    const provider: vscode.TextDocumentContentProvider = {
      onDidChange: this.changed.event,
      provideTextDocumentContent: (uri) => this.texts.get(uri.toString()) ?? "",
    };
    this.disposables.push(
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, provider),
      vscode.commands.registerCommand("sea.ui.applyProposal", () => this.decide(APPLY)),
      vscode.commands.registerCommand("sea.ui.rejectProposal", () => this.decide(REJECT)),
    );
  }

  /** The proposed text shown for a `sea-proposal:` uri (what the diff editor displays). */
  proposedText(uri: vscode.Uri): string | undefined {
    return this.texts.get(uri.toString());
  }

  /** The server's Apply / Show diff / Reject request: the diff opens first, then the
   * notification and the editor title's buttons answer, whichever the user uses. */
  async onPreview(params: ShowMessageRequestParams): Promise<MessageActionItem | null> {
    if (!this.diffShown) {
      this.diffShown = true;
      return { title: SHOW_DIFF }; // the server shows the diff, then asks again
    }
    const chosen = new Promise<string | undefined>((resolve) => {
      this.answer = resolve;
    });
    const titles = (params.actions ?? []).map((a) => a.title);
    void vscode.window.showInformationMessage(params.message, ...titles).then((t) => this.decide(t));
    const title = await chosen;
    if (title !== SHOW_DIFF) await this.endReview();
    return title === undefined ? null : { title };
  }

  private decide(title: string | undefined): void {
    const answer = this.answer;
    this.answer = undefined;
    answer?.(title);
  }

  private async endReview(): Promise<void> {
    this.diffShown = false;
    await vscode.commands.executeCommand("setContext", REVIEWING_CONTEXT, false);
    for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) {
      const input = tab.input;
      if (input instanceof vscode.TabInputTextDiff && input.modified.scheme === PROPOSAL_SCHEME) {
        await vscode.window.tabGroups.close(tab).then(undefined, () => undefined);
      }
    }
  }

  /** Opens the diff file the server wrote as diff editors; false when it cannot (the raw
   * file is shown then). */
  async showDiffFile(fsPath: string): Promise<boolean> {
    try {
      const patches = parseUnifiedDiff(await fs.readFile(fsPath, "utf8"));
      if (patches.length === 0) return false;
      const offer = fsPath.replace(/^.*[\\/]/, "").replace(/\.diff$/, "");
      for (const patch of patches) await this.showPatch(offer, patch);
      await vscode.commands.executeCommand("setContext", REVIEWING_CONTEXT, true);
      return true;
    } catch (error) {
      this.output.appendLine(`[sea] could not show the proposal as a diff: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }

  private async showPatch(offer: string, patch: ReturnType<typeof parseUnifiedDiff>[number]): Promise<void> {
    const path = patch.newPath ?? patch.oldPath ?? "";
    const fileUri = await this.locate(path);
    const original = patch.oldPath === null ? "" : await this.currentText(fileUri);
    const proposed = patch.newPath === null ? "" : applyPatch(original, patch);
    const proposalUri = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${path}`, query: `offer=${offer}` });
    this.texts.set(proposalUri.toString(), proposed);
    this.changed.fire(proposalUri);
    const left = patch.oldPath === null ? proposalUri.with({ query: `offer=${offer}&before` }) : fileUri;
    if (patch.oldPath === null) this.texts.set(left.toString(), "");
    const name = path.replace(/^.*\//, "");
    await vscode.commands.executeCommand("vscode.diff", left, proposalUri, `SEA proposal: ${name} (Apply or Reject)`, { preview: false });
  }

  private async locate(path: string): Promise<vscode.Uri> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    for (const folder of folders) {
      const uri = vscode.Uri.joinPath(folder.uri, path);
      const found = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
      if (found) return uri;
    }
    if (folders.length === 0) throw new Error("no workspace folder is open");
    return vscode.Uri.joinPath(folders[0].uri, path);
  }

  private async currentText(uri: vscode.Uri): Promise<string> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return open.getText();
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  }

  /** "More SEA suggestions…": the rest of the list in a quick pick; the chosen one applied. */
  async moreSuggestions(args: unknown[], next: Next): Promise<unknown> {
    const arg = typeof args[0] === "object" && args[0] !== null ? args[0] : {};
    const parsed = parseSuggestions(await next("sea.moreSuggestions", [{ ...arg, list: true }]));
    if (!parsed || parsed.items.length === 0) {
      void vscode.window.showInformationMessage("SEA: no more suggestions here.");
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(suggestionPicks(parsed.items), {
      title: "More SEA suggestions",
      placeHolder: "Not verified by your tests: pick one to apply it",
      matchOnDescription: true,
    });
    if (!pick) return undefined;
    return next(APPLY_SUGGESTION_COMMAND, [{ offer: parsed.offer, index: pick.index }]);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
