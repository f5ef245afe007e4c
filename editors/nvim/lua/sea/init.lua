--- sea.nvim: a thin Neovim client for the sea-lsp language server.
---
--- All agent logic lives in the server; this module only configures Neovim's
--- built-in LSP client (Neovim >= 0.11), decides workspace trust, keeps the
--- server's `sea/status` notification for statuslines and defines user commands.
local M = {}

M.NAME = "sea"

local defaults = {
  -- Server command. nil = {"sea-lsp", "serve"}, or {python, "-m", "sea_lsp", "serve"} if `python` is set.
  cmd = nil,
  -- A Python interpreter with sea-lsp installed (used when `cmd` is nil).
  python = nil,
  -- May the agent run code (your tests) in a sandbox copy of the project?
  -- false (default) | true | "secure" (ask Neovim's :trust database about the
  -- project root) | function(root_dir) -> boolean.
  trusted = false,
  -- Server settings (camelCase, see :help sea-settings). Sent as
  -- initializationOptions and answered for workspace/configuration section "sea".
  settings = {},
  filetypes = { "python" },
  root_markers = { "pyproject.toml", "setup.py", "setup.cfg", ".git" },
  -- Also log the server's output to this file (`sea-lsp --log-file`); :SeaLog opens it.
  log_file = nil,
  -- Call vim.lsp.enable("sea") so the server starts on the filetypes above.
  enable = true,
  -- Extra fields merged into vim.lsp.config("sea", ...) (on_attach, capabilities, ...).
  lsp = {},
}

M.options = vim.deepcopy(defaults)

--- Last `sea/status` payload per client id.
local statuses = {}
local last_status = nil

--- The server command for `opts` (a list of strings).
---@param opts table
---@return string[]
function M.resolve_cmd(opts)
  local cmd
  if opts.cmd then
    cmd = type(opts.cmd) == "string" and { opts.cmd } or vim.deepcopy(opts.cmd)
  elseif opts.python then
    cmd = { opts.python, "-m", "sea_lsp", "serve" }
  else
    cmd = { "sea-lsp", "serve" }
  end
  if opts.log_file then
    -- global options go before the subcommand
    local at = #cmd + 1
    for i, part in ipairs(cmd) do
      if part == "serve" then
        at = i
        break
      end
    end
    table.insert(cmd, at, "--log-file")
    table.insert(cmd, at + 1, vim.fs.normalize(opts.log_file))
  end
  return cmd
end

--- Why the server command cannot run, with the fix; nil when its executable is found.
---@param cmd string[]
---@return string|nil
function M.missing_cmd_message(cmd)
  if vim.fn.executable(cmd[1]) == 1 then
    return nil
  end
  return table.concat({
    ("sea-lsp: the server command `%s` was not found (cmd = %s)."):format(cmd[1], vim.inspect(cmd)),
    "Fix: install the server into a Python environment (`pip install sea-lsp`) and put its",
    "`bin` directory on $PATH, or tell the plugin where it is:",
    "  require('sea').setup({ cmd = { '/path/to/venv/bin/sea-lsp', 'serve' } })",
    "  require('sea').setup({ python = '/path/to/venv/bin/python' })",
    "Then run :checkhealth sea.",
  }, "\n")
end

--- Whether the project at `root_dir` may run code, according to the `trusted` option.
---@param trusted boolean|string|function
---@param root_dir string|nil
---@return boolean
function M.is_trusted(trusted, root_dir)
  if type(trusted) == "function" then
    local ok, value = pcall(trusted, root_dir)
    if not ok then
      vim.notify("sea-lsp: the `trusted` function failed: " .. tostring(value), vim.log.levels.ERROR)
      return false
    end
    return value == true
  end
  if trusted == "secure" then
    -- Neovim's trust database (:help vim.secure.read); prompts once per unknown directory.
    if not root_dir then
      return false
    end
    local ok, value = pcall(vim.secure.read, root_dir)
    return ok and value == true
  end
  return trusted == true
end

--- The settings the server sees for a project: the user's `settings` plus `trusted`.
---@param root_dir string|nil
---@return table
function M.server_settings(root_dir)
  local settings = vim.deepcopy(M.options.settings or {})
  settings.trusted = M.is_trusted(M.options.trusted, root_dir)
  return settings
end

local function on_status(_, result, ctx)
  if type(result) ~= "table" then
    return
  end
  statuses[ctx.client_id] = result
  last_status = result
  vim.api.nvim_exec_autocmds("User", { pattern = "SeaStatus", data = result, modeline = false })
end

--- `window/showDocument` for the task preview's "Show diff": the proposal opens as a diff
--- split (sea.review; the raw diff in a split if that fails); anything else goes to
--- Neovim's default handler.
local function on_show_document(err, params, ctx)
  local uri = type(params) == "table" and params.uri or ""
  if params.external or not uri:match("^file:") or not uri:match("%.diff$") then
    return vim.lsp.handlers["window/showDocument"](err, params, ctx)
  end
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local root = client and client.root_dir
  if root then
    local shown, why = require("sea.review").show_diff_file(vim.uri_to_fname(uri), root)
    if shown then
      return { success = true }
    end
    vim.notify("sea-lsp: showing the raw diff: " .. tostring(why), vim.log.levels.WARN)
  end
  local previous = vim.api.nvim_get_current_win()
  vim.cmd("belowright split " .. vim.fn.fnameescape(vim.uri_to_fname(uri)))
  vim.bo.filetype = "diff"
  vim.bo.bufhidden = "wipe"
  if params.takeFocus == false then
    vim.api.nvim_set_current_win(previous)
  end
  return { success = true }
end

--- The running sea clients (those attached to `bufnr` if given).
---@param bufnr integer|nil
---@return vim.lsp.Client[]
function M.clients(bufnr)
  return vim.lsp.get_clients({ name = M.NAME, bufnr = bufnr })
end

--- The sea client for the current buffer, or any running one.
---@return vim.lsp.Client|nil
function M.client()
  return M.clients(vim.api.nvim_get_current_buf())[1] or M.clients()[1]
end

--- The last `sea/status` payload ({version, modelVersion, modelReady, trusted,
--- taskRunning, feedbackDb, offers, accepted}) for the current buffer's client, or nil.
---@return table|nil
function M.status()
  local client = M.client()
  if client and statuses[client.id] then
    return statuses[client.id]
  end
  return last_status
end

--- A short string for statuslines: "sea ●" while a task runs, "sea v3" when ready.
---@return string
function M.statusline()
  local s = M.status()
  if not s then
    return ""
  end
  if s.taskRunning then
    return "sea ●"
  end
  if s.modelReady == false then
    return "sea …"
  end
  return "sea " .. tostring(s.modelVersion or "")
end

--- Run a `sea.*` command on the server with one object argument.
--- `callback(err, result)` is called with the reply; the `User SeaCommandDone`
--- autocmd fires with data {command, result, err}.
---@param command string
---@param argument table
---@param callback fun(err: table|nil, result: any)|nil
---@return boolean sent
function M.execute(command, argument, callback)
  local client = M.client()
  if not client then
    local why = M.missing_reason
      or "no sea-lsp client is running: open a Python file inside a project first"
    vim.notify(why, vim.log.levels.ERROR)
    return false
  end
  local params = { command = command, arguments = { argument } }
  local bufnr = vim.api.nvim_get_current_buf()
  client:request("workspace/executeCommand", params, function(err, result)
    if err then
      vim.notify(
        ("sea-lsp: %s failed: %s"):format(command, err.message or vim.inspect(err)),
        vim.log.levels.ERROR
      )
    end
    if callback then
      callback(err, result)
    end
    vim.api.nvim_exec_autocmds("User", {
      pattern = "SeaCommandDone",
      data = { command = command, result = result, err = err },
      modeline = false,
    })
  end, bufnr)
  return true
end

local function lsp_config()
  local opts = M.options
  local extra = vim.deepcopy(opts.lsp or {})
  local user_before_init = extra.before_init
  extra.before_init = nil
  return vim.tbl_deep_extend("force", {
    cmd = M.resolve_cmd(opts),
    filetypes = opts.filetypes,
    root_markers = opts.root_markers,
    init_options = M.server_settings(nil),
    settings = { sea = M.server_settings(nil) },
    handlers = {
      ["sea/status"] = on_status,
      ["window/showDocument"] = on_show_document,
      ["window/showMessageRequest"] = function(err, params, ctx)
        return require("sea.review").on_message_request(err, params, ctx)
      end,
    },
    before_init = function(params, config)
      -- trust is decided per project, once its root is known; config.settings is
      -- the table the client answers workspace/configuration from, so update it in place
      local settings = M.server_settings(config.root_dir)
      params.initializationOptions = settings
      config.settings = config.settings or {}
      config.settings.sea = settings
      if user_before_init then
        user_before_init(params, config)
      end
    end,
  }, extra)
end

--- Configure and enable the sea language server. See :help sea-setup.
---@param opts table|nil
function M.setup(opts)
  if vim.fn.has("nvim-0.11") ~= 1 then
    vim.notify("sea-lsp needs Neovim 0.11 or newer (vim.lsp.config)", vim.log.levels.ERROR)
    return
  end
  M.options = vim.tbl_deep_extend("force", vim.deepcopy(defaults), opts or {})
  if opts and opts.settings then
    M.options.settings = vim.deepcopy(opts.settings) -- lists replace, never merge
  end
  M.configured = true
  require("sea.commands").create()
  require("sea.review").setup()
  local cmd = M.resolve_cmd(M.options)
  M.missing_reason = M.missing_cmd_message(cmd)
  if M.missing_reason then
    vim.notify(M.missing_reason, vim.log.levels.ERROR)
    return
  end
  vim.lsp.config(M.NAME, lsp_config())
  if M.options.enable then
    vim.lsp.enable(M.NAME)
  end
end

return M
