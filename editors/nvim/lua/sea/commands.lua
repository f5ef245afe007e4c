--- User commands of sea.nvim: each sends one `sea.*` command to the server.
local M = {}

local function sea()
  return require("sea")
end

local function buffer_uri()
  local bufnr = vim.api.nvim_get_current_buf()
  if vim.api.nvim_buf_get_name(bufnr) == "" then
    return nil
  end
  return vim.uri_from_bufnr(bufnr)
end

local function notify(msg, level)
  vim.notify("sea-lsp: " .. msg, level or vim.log.levels.INFO)
end

local function task_done(err, result)
  if err or type(result) ~= "table" then
    return
  end
  local summary = result.summary or ""
  if result.solved then
    notify((result.applied and "applied: " or "solved, not applied: ") .. summary)
  else
    notify("not solved: " .. summary, vim.log.levels.WARN)
  end
end

local function tests_done(err, result)
  if err or type(result) ~= "table" then
    return
  end
  local level = ((result.failed or 0) + (result.errors or 0) > 0) and vim.log.levels.WARN
    or vim.log.levels.INFO
  notify(
    ("tests: %d passed, %d failed, %d errors"):format(
      result.passed or 0,
      result.failed or 0,
      result.errors or 0
    ),
    level
  )
end

--- Send `sea.runTask {text, uri, range}`; `line1`/`line2` (1-based) give a line range.
---@param text string
---@param line1 integer|nil
---@param line2 integer|nil
function M.run_task(text, line1, line2)
  text = vim.trim(text or "")
  if text == "" then
    notify("a task needs some text, e.g. :SeaTask fix the failing tests", vim.log.levels.ERROR)
    return
  end
  local argument = { text = text, uri = buffer_uri() }
  if line1 and line2 then
    argument.range = {
      start = { line = line1 - 1, character = 0 },
      ["end"] = { line = line2, character = 0 },
    }
  end
  sea().execute("sea.runTask", argument, task_done)
end

--- The newest log file of the server: `log_file`, else sea-lsp's logs directory, else Neovim's LSP log.
---@return string
function M.log_path()
  local log_file = sea().options.log_file
  if log_file then
    return vim.fs.normalize(log_file)
  end
  local data = vim.env.SEA_LSP_DATA_DIR
  if not data or data == "" then
    local base = vim.env.XDG_DATA_HOME
    if not base or base == "" then
      base = vim.fs.joinpath(vim.uv.os_homedir(), ".local", "share")
    end
    data = vim.fs.joinpath(base, "sea-lsp")
  end
  local newest, newest_time = nil, -1
  for name, kind in vim.fs.dir(vim.fs.joinpath(vim.fs.normalize(data), "logs")) do
    if kind == "file" and name:match("%.log$") then
      local path = vim.fs.joinpath(vim.fs.normalize(data), "logs", name)
      local stat = vim.uv.fs_stat(path)
      if stat and stat.mtime.sec > newest_time then
        newest, newest_time = path, stat.mtime.sec
      end
    end
  end
  return newest or vim.lsp.log.get_filename()
end

--- The `sea.runTests` argument for `:SeaTests [target]`: no target runs every test,
--- a file (`%` for this buffer) runs that file's tests, anything else is a pytest node id.
---@param target string
---@return table
function M.tests_argument(target)
  target = vim.trim(target or "")
  if target == "" then
    return vim.empty_dict()
  end
  local path = vim.fn.fnamemodify(vim.fn.expand(target), ":p")
  if vim.uv.fs_stat(path) then
    return { uri = vim.uri_from_fname(path) }
  end
  return { name = target }
end

local definitions = {
  SeaTask = {
    function(cmd)
      local line1, line2
      if cmd.range > 0 then
        line1, line2 = cmd.line1, cmd.line2
      end
      if cmd.args ~= "" then
        M.run_task(cmd.args, line1, line2)
        return
      end
      vim.ui.input({ prompt = "sea task: " }, function(text)
        if text then
          M.run_task(text, line1, line2)
        end
      end)
    end,
    { nargs = "*", range = true, desc = "sea-lsp: run a task (on the selected lines if any)" },
  },
  SeaFixTests = {
    function()
      sea().execute("sea.fixFailingTests", { uri = buffer_uri() }, task_done)
    end,
    { desc = "sea-lsp: fix the failing tests" },
  },
  SeaTests = {
    function(cmd)
      sea().execute("sea.runTests", M.tests_argument(cmd.args), tests_done)
    end,
    {
      nargs = "?",
      complete = "file",
      desc = "sea-lsp: run the tests (all, a file's, or one test id) as diagnostics",
    },
  },
  SeaTrain = {
    function()
      sea().execute("sea.train", vim.empty_dict(), function(err, result)
        if not err and type(result) == "table" then
          notify(("training started (pid %s), log: %s"):format(result.pid, result.log))
        end
      end)
    end,
    { desc = "sea-lsp: tune the model on your accept/reject feedback (background)" },
  },
  SeaStatus = {
    function()
      sea().execute("sea.status", vim.empty_dict(), function(err, result)
        if not err then
          notify(vim.inspect(result))
        end
      end)
    end,
    { desc = "sea-lsp: show the server's status" },
  },
  SeaLog = {
    function(cmd)
      local path = cmd.args == "lsp" and vim.lsp.log.get_filename() or M.log_path()
      vim.cmd.tabnew(vim.fn.fnameescape(path))
    end,
    {
      nargs = "?",
      complete = function()
        return { "lsp" }
      end,
      desc = "sea-lsp: open the server's log (`:SeaLog lsp`: Neovim's LSP log)",
    },
  },
}

--- Define the user commands (idempotent).
function M.create()
  for name, def in pairs(definitions) do
    vim.api.nvim_create_user_command(name, def[1], def[2])
  end
end

return M
