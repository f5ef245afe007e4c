/** The palette commands (`sea.ui.*`); each calls one of the server's `sea.*` commands. */
import * as vscode from "vscode";
import { type SeaClient, errorText } from "./client";
import {
  fileArgs,
  formatTaskResult,
  formatTestResult,
  formatTrainResult,
  runTaskArgs,
  SERVER_COMMANDS,
  validateTaskText,
} from "./commandArgs";

type Outcome = { message: string; ok: boolean };

function activeFileUri(sea: SeaClient): string | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.uri.scheme !== "file") return undefined;
  return sea.toProtocol(doc.uri).uri;
}

async function report(outcome: Outcome, sea: SeaClient): Promise<void> {
  sea.output.appendLine(`[sea] ${outcome.message}`);
  const show = outcome.ok ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  const choice = await show(outcome.message, "Show Log");
  if (choice === "Show Log") sea.output.show(true);
}

async function run(sea: SeaClient, label: string, command: string, args: object, format: (r: unknown) => Outcome): Promise<void> {
  sea.output.appendLine(`[sea] ${label}: ${command} ${JSON.stringify(args)}`);
  let result: unknown;
  try {
    result = await sea.execute(command, args);
  } catch (error) {
    const message = `SEA: ${label} failed: ${errorText(error)}`;
    sea.output.appendLine(`[sea] ${message}`);
    const choice = await vscode.window.showErrorMessage(message, "Show Log");
    if (choice === "Show Log") sea.output.show(true);
    return;
  }
  await report(format(result), sea);
}

export function registerCommands(sea: SeaClient): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand("sea.ui.runTask", async () => {
      const text = await vscode.window.showInputBox({
        title: "SEA: Run Task",
        prompt: "What should the agent do? It works on the active file and selection.",
        placeHolder: "e.g. fix the failing tests, add a docstring to mean",
        ignoreFocusOut: true,
        validateInput: validateTaskText,
      });
      if (text === undefined) return;
      const editor = vscode.window.activeTextEditor;
      const target = editor && editor.document.uri.scheme === "file" ? sea.toProtocol(editor.document.uri, editor.selection) : undefined;
      await run(sea, "Run Task", SERVER_COMMANDS.runTask, runTaskArgs(text, target?.uri, target?.range), formatTaskResult);
    }),
    vscode.commands.registerCommand("sea.ui.fixFailingTests", () =>
      run(sea, "Fix Failing Tests", SERVER_COMMANDS.fixFailingTests, fileArgs(activeFileUri(sea)), formatTaskResult),
    ),
    vscode.commands.registerCommand("sea.ui.runTests", () =>
      run(sea, "Run Tests", SERVER_COMMANDS.runTests, fileArgs(activeFileUri(sea)), formatTestResult),
    ),
    vscode.commands.registerCommand("sea.ui.train", () => run(sea, "Train", SERVER_COMMANDS.train, {}, formatTrainResult)),
    vscode.commands.registerCommand("sea.ui.showLog", () => sea.output.show(true)),
    vscode.commands.registerCommand("sea.ui.restartServer", () => sea.restart()),
  ];
}
