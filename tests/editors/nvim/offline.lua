-- sea.nvim without a server: setup() with a command that does not exist, option
-- handling and :checkhealth. Driven by tests/editors/test_nvim.py; writes JSON to SEA_TEST_OUT.
local h = dofile(vim.fs.dirname(debug.getinfo(1, "S").source:sub(2)) .. "/helper.lua")
h.setup()

local results, write_results = h.results()
h.capture_notify(results)

local function capture(fn)
  local ok, err = pcall(fn)
  return ok and "ok" or tostring(err)
end

local sea = require("sea")
local function commands_mod()
  return require("sea.commands")
end
local bogus = vim.env.SEA_TEST_BOGUS
results.setup = capture(function()
  sea.setup({ cmd = { bogus, "serve" } })
end)
results.commands = {}
for _, name in ipairs({ "SeaTask", "SeaFixTests", "SeaTests", "SeaTrain", "SeaLog", "SeaStatus" }) do
  results.commands[name] = vim.fn.exists(":" .. name) == 2
end
results.lsp_enabled = vim.lsp.is_enabled and vim.lsp.is_enabled("sea") or false

-- a command with no server running says why
results.before_seatests = #results.notifications
results.seatests = capture(function()
  vim.cmd("SeaTests")
end)

-- command resolution
results.cmd_default = sea.resolve_cmd({})
results.cmd_python = sea.resolve_cmd({ python = "/opt/py/bin/python" })
results.cmd_log = sea.resolve_cmd({ cmd = { "sea-lsp", "serve" }, log_file = "/tmp/sea.log" })

-- :SeaTests targets
vim.cmd.edit(vim.fn.fnameescape(vim.env.SEA_TEST_ROOT .. "/test_x.py"))
vim.cmd("silent write")
results.tests_all = vim.json.encode(commands_mod().tests_argument(""))
results.tests_file = commands_mod().tests_argument("%")
results.tests_name = commands_mod().tests_argument("tests/test_x.py::test_y")

-- trust decisions
local root = vim.env.SEA_TEST_ROOT
results.trust = {
  default = sea.is_trusted(false, root),
  yes = sea.is_trusted(true, root),
  fn_yes = sea.is_trusted(function(dir)
    return dir == root
  end, root),
  fn_no = sea.is_trusted(function(dir)
    return dir ~= root
  end, root),
  fn_error = sea.is_trusted(function()
    error("boom")
  end, root),
  string_other = sea.is_trusted("yes", root),
  -- SEA_TEST_TRUSTED_ROOT is listed as "directory" in $XDG_STATE_HOME/nvim/trust
  secure_listed = sea.is_trusted("secure", vim.env.SEA_TEST_TRUSTED_ROOT),
  secure_no_root = sea.is_trusted("secure", nil),
}
sea.options.trusted = true
sea.options.settings = { budget = { seconds = 5 } }
results.server_settings = sea.server_settings(root)

-- :SeaLog: the newest log in the sea-lsp data directory, else Neovim's LSP log
local commands = require("sea.commands")
results.log_without = commands.log_path()
results.lsp_log = vim.lsp.log.get_filename()
local logs = vim.env.SEA_LSP_DATA_DIR .. "/logs"
vim.fn.mkdir(logs, "p")
vim.fn.writefile({ "old" }, logs .. "/old.log")
vim.uv.fs_utime(logs .. "/old.log", 1000, 1000)
vim.fn.writefile({ "new" }, logs .. "/serve.log")
results.log_with = commands.log_path()
vim.cmd("SeaLog")
results.log_opened = vim.api.nvim_buf_get_name(0)
vim.cmd("tabclose")

-- health with the bogus command
vim.cmd("checkhealth sea")
results.health = vim.api.nvim_buf_get_lines(0, 0, -1, false)

write_results()
vim.cmd("qall!")
