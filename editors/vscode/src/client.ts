/**
 * Owns the language client: resolves and starts `sea-lsp serve`, restarts it after crashes,
 * keeps the server's settings (with workspace trust) in sync, and drives the status bar.
 */
import * as os from "node:os";
import * as vscode from "vscode";
import {
  CloseAction,
  type CloseHandlerResult,
  DidChangeConfigurationNotification,
  ErrorAction,
  type ErrorHandler,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  ResponseError,
  type MessageActionItem,
  MessageType,
  type ServerOptions,
  ShowMessageRequest,
  type ShowMessageRequestParams,
  State,
} from "vscode-languageclient/node";
import { SERVER_COMMANDS } from "./commandArgs";
import { answerConfiguration, SEA_SECTION } from "./configuration";
import { systemProbe } from "./probe";
import { isProposalDiffPath, isProposalPreview, MORE_COMMAND } from "./proposal";
import { RestartPolicy } from "./restartPolicy";
import { ProposalReview } from "./review";
import { resolveServerCommand } from "./serverCommand";
import { affectsServerCommand, affectsServerOptions, buildServerOptions, type SettingReader } from "./settings";
import { type ClientPhase, formatStatus, parseStatus, type ServerStatus } from "./status";

export const STATUS_NOTIFICATION = "sea/status";

export class SeaClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly restarts = new RestartPolicy();
  private readonly statusItem: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private status: ServerStatus | undefined;
  private phase: ClientPhase = "stopped";
  private restarting = false;
  private readonly review: ProposalReview;

  constructor(readonly output: vscode.OutputChannel) {
    this.review = new ProposalReview(output);
    this.statusItem = vscode.window.createStatusBarItem("sea.status", vscode.StatusBarAlignment.Right, 100);
    this.statusItem.name = "SEA Agent";
    this.statusItem.command = "sea.ui.showLog";
    this.render();
    this.statusItem.show();
    this.disposables.push(
      this.review,
      this.statusItem,
      vscode.workspace.onDidChangeConfiguration((e) => void this.onConfigurationChanged(e)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.pushSettings("workspace trust granted")),
    );
  }

  /** The running client, or undefined while the server is not running. */
  get running(): LanguageClient | undefined {
    return this.client?.state === State.Running ? this.client : undefined;
  }

  /** The server options of now: the window's `sea.*` settings plus workspace trust. */
  serverOptions(): object {
    const { options, problems } = buildServerOptions(this.settingsOf(undefined), vscode.workspace.isTrusted);
    for (const problem of problems) this.output.appendLine(`[sea] ${problem}`);
    return options;
  }

  /** The `sea.*` settings of a scope (a folder's URI in protocol form), else the window's. */
  private settingsOf(scopeUri: string | undefined): SettingReader {
    const p2c = this.client?.protocol2CodeConverter;
    const scope = scopeUri === undefined ? undefined : p2c ? p2c.asUri(scopeUri) : vscode.Uri.parse(scopeUri);
    const config = vscode.workspace.getConfiguration(SEA_SECTION, scope);
    return (key) => config.get(key);
  }

  async start(): Promise<void> {
    if (this.client) return;
    const config = vscode.workspace.getConfiguration("sea");
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const resolution = resolveServerCommand(
      {
        serverPath: config.get<string>("serverPath") ?? "",
        pythonPath: config.get<string>("pythonPath") ?? "",
        workspaceFolder: folder,
        home: os.homedir(),
      },
      systemProbe,
    );
    if (!resolution.ok) {
      this.setPhase("failed");
      this.output.appendLine(`[sea] ${resolution.message}`);
      const choice = await vscode.window.showErrorMessage(resolution.message, "Open Settings", "Show Log");
      if (choice === "Open Settings") await vscode.commands.executeCommand("workbench.action.openSettings", "sea.serverPath");
      if (choice === "Show Log") this.output.show(true);
      return;
    }
    this.output.appendLine(`[sea] starting ${resolution.description}`);
    const server: ServerOptions = {
      command: resolution.command,
      args: resolution.args,
      options: { cwd: folder, env: { ...process.env } },
    };
    const client = new LanguageClient("sea", "SEA Agent", server, this.clientOptions());
    client.onNotification(STATUS_NOTIFICATION, (payload: unknown) => this.onStatus(payload));
    client.onRequest(ShowMessageRequest.type, (params) => this.onMessageRequest(params));
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) this.restarting = false;
      if (e.newState === State.Running) this.setPhase("running");
      else if (e.newState === State.Starting) this.setPhase("starting");
      else if (this.phase !== "failed") this.setPhase("stopped");
    });
    this.client = client;
    this.setPhase("starting");
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      this.setPhase("failed");
      const message = `SEA: the server (${resolution.description}) did not start: ${errorText(error)}`;
      this.output.appendLine(`[sea] ${message}`);
      void vscode.window.showErrorMessage(message, "Show Log").then((c) => c && this.output.show(true));
      return;
    }
    await this.refreshStatus();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(5_000);
      } catch (error) {
        this.output.appendLine(`[sea] stopping the server failed: ${errorText(error)}`);
      }
      await client.dispose().catch(() => undefined);
    }
    this.status = undefined;
    this.setPhase("stopped");
  }

  async restart(): Promise<void> {
    this.restarts.reset();
    await this.stop();
    await this.start();
  }

  /** Runs one of the server's `sea.*` commands with its single object argument. */
  async execute(command: string, args: object): Promise<unknown> {
    const client = await this.whenRunning(30_000);
    if (!client) throw new Error("the SEA server is not running. Run \"SEA: Restart Server\" or see \"SEA: Show Agent Log\".");
    return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [args] });
  }

  /** The client once it runs (waiting through a start or a crash restart), else undefined. */
  private async whenRunning(timeoutMs: number): Promise<LanguageClient | undefined> {
    const client = this.client;
    if (!client) return undefined;
    if (client.state === State.Running && !this.restarting) return client;
    if (client.state === State.Stopped && !this.restarting) return undefined;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        sub.dispose();
        resolve(undefined);
      }, timeoutMs);
      const sub = client.onDidChangeState((e) => {
        if (e.newState === State.Starting) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(e.newState === State.Running ? client : undefined);
      });
    });
  }

  /** Protocol form of a document uri and a selection, as the client converts them. */
  toProtocol(uri: vscode.Uri, range?: vscode.Range): { uri: string; range?: { start: { line: number; character: number }; end: { line: number; character: number } } } {
    const c2p = (this.client ?? undefined)?.code2ProtocolConverter;
    const uriText = c2p ? c2p.asUri(uri) : uri.toString();
    return { uri: uriText, range: range && (c2p ? c2p.asRange(range) : { start: range.start, end: range.end }) };
  }

  private clientOptions(): LanguageClientOptions {
    return {
      documentSelector: [{ scheme: "file", language: "python" }],
      outputChannel: this.output,
      initializationOptions: () => this.serverOptions(),
      errorHandler: this.errorHandler(),
      middleware: {
        window: {
          // a proposal's diff opens in the diff editor, not as a raw .diff file
          showDocument: async (params, next) => {
            const uri = vscode.Uri.parse(params.uri);
            if (uri.scheme === "file" && isProposalDiffPath(uri.fsPath) && (await this.review.showDiffFile(uri.fsPath))) {
              return { success: true };
            }
            const shown = await next(params, new vscode.CancellationTokenSource().token);
            return shown instanceof ResponseError ? { success: false } : shown;
          },
        },
        executeCommand: (command, args, next) =>
          command === MORE_COMMAND ? this.review.moreSuggestions(args, (c, a) => next(c, a)) : next(command, args),
        workspace: {
          // each folder's own settings (its .vscode/settings.json), not the window's
          configuration: async (params, token, next) => {
            const defaults = await next(params, token);
            if (!Array.isArray(defaults)) return defaults;
            const scoped = (uri: string | undefined) => this.settingsOf(uri);
            const { answers, problems } = answerConfiguration(params.items, defaults, scoped, vscode.workspace.isTrusted);
            for (const problem of problems) this.output.appendLine(`[sea] ${problem}`);
            return answers;
          },
        },
      },
    };
  }

  /** The server's questions: a proposal preview goes through the diff review, others are
   * shown as the client would. */
  private async onMessageRequest(params: ShowMessageRequestParams): Promise<MessageActionItem | null> {
    if (isProposalPreview(params.actions)) return this.review.onPreview(params);
    const show =
      params.type === MessageType.Error
        ? vscode.window.showErrorMessage
        : params.type === MessageType.Warning
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
    return (await show(params.message, ...(params.actions ?? []))) ?? null;
  }

  private errorHandler(): ErrorHandler {
    return {
      error: (_error, _message, count) =>
        count !== undefined && count <= 3 ? { action: ErrorAction.Continue } : { action: ErrorAction.Shutdown },
      closed: async (): Promise<CloseHandlerResult> => {
        const delay = this.restarts.onCrash(Date.now());
        if (delay === undefined) {
          this.restarting = false;
          this.setPhase("failed");
          const message = `SEA: the server stopped ${this.restarts.recentCrashes} times in a few minutes and will not be restarted. See the log, fix the cause, then run "SEA: Restart Server".`;
          void vscode.window.showErrorMessage(message, "Show Log", "Restart Server").then((choice) => {
            if (choice === "Show Log") this.output.show(true);
            if (choice === "Restart Server") void vscode.commands.executeCommand("sea.ui.restartServer");
          });
          return { action: CloseAction.DoNotRestart, handled: true, message };
        }
        this.restarting = true;
        this.setPhase("starting");
        this.output.appendLine(`[sea] the server stopped; restarting in ${delay} ms`);
        await new Promise((resolve) => setTimeout(resolve, delay));
        return { action: CloseAction.Restart, handled: true };
      },
    };
  }

  private async onConfigurationChanged(e: vscode.ConfigurationChangeEvent): Promise<void> {
    if (affectsServerCommand((s) => e.affectsConfiguration(s))) {
      this.output.appendLine("[sea] sea.serverPath or sea.pythonPath changed; restarting the server");
      await this.restart();
      return;
    }
    if (affectsServerOptions((s) => e.affectsConfiguration(s))) await this.pushSettings("settings changed");
  }

  /** Sends `workspace/didChangeConfiguration` with the `sea` settings (trust included). */
  private async pushSettings(reason: string): Promise<void> {
    const client = this.running;
    if (!client) return;
    this.output.appendLine(`[sea] sending settings to the server (${reason})`);
    await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { sea: this.serverOptions() } });
    await this.refreshStatus();
  }

  private async refreshStatus(): Promise<void> {
    try {
      this.onStatus(await this.execute(SERVER_COMMANDS.status, {}));
    } catch (error) {
      this.output.appendLine(`[sea] sea.status failed: ${errorText(error)}`);
    }
  }

  private onStatus(payload: unknown): void {
    const status = parseStatus(payload);
    if (!status) return;
    this.status = status;
    this.render();
  }

  private setPhase(phase: ClientPhase): void {
    this.phase = phase;
    this.render();
  }

  private render(): void {
    const view = formatStatus(this.phase, this.status);
    this.statusItem.text = view.text;
    this.statusItem.tooltip = view.tooltip;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
