/** Entry point: a thin client that starts `sea-lsp serve` and forwards commands to it. */
import * as vscode from "vscode";
import { SeaClient } from "./client";
import { registerCommands } from "./commands";

let sea: SeaClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("SEA Agent");
  sea = new SeaClient(output);
  context.subscriptions.push(output, sea, ...registerCommands(sea));
  await sea.start();
}

export async function deactivate(): Promise<void> {
  await sea?.stop();
  sea = undefined;
}
