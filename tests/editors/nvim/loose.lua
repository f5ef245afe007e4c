-- The sea.nvim plugin on a loose file: a folder with no pyproject.toml, setup.py,
-- setup.cfg or .git. Driven by tests/editors/test_nvim.py:
--   nvim --headless --clean -u loose.lua
-- Environment: SEA_NVIM_PLUGIN, SEA_TEST_FILE (the loose file), SEA_TEST_CMD (JSON list:
-- the server command), SEA_TEST_OUT (results JSON).
local h = dofile(vim.fs.dirname(debug.getinfo(1, "S").source:sub(2)) .. "/helper.lua")
h.setup({ filetype = true })

local results, write_results = h.results()
h.watchdog(results, write_results, 90000)
h.capture_notify(results, true)

local sea = require("sea")
sea.setup({ cmd = vim.json.decode(vim.env.SEA_TEST_CMD) })

h.run(results, write_results, function()
  vim.cmd.edit(vim.fn.fnameescape(vim.env.SEA_TEST_FILE))
  local buf = vim.api.nvim_get_current_buf()
  local client = h.wait_attached(sea, buf, 20000)
  results.attached = client ~= nil
  assert(client, "no sea client attached to the loose file within 20 s")
  results.root_dir = client.root_dir or vim.NIL
  results.workspace_folders = client.workspace_folders or vim.NIL
  -- code actions on every line with code, as a user asks for them
  results.titles, results.errors = {}, {}
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  for i, text in ipairs(lines) do
    if text:match("%S") then
      local params =
        vim.lsp.util.make_given_range_params({ i, 0 }, { i, #text }, buf, client.offset_encoding)
      params.context = { diagnostics = {}, triggerKind = 1 }
      local replies = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 15000) or {}
      local reply = replies[client.id] or {}
      if reply.err then
        table.insert(results.errors, reply.err.message or vim.inspect(reply.err))
      end
      for _, action in ipairs(reply.result or {}) do
        table.insert(results.titles, action.title)
      end
    end
  end
  -- a command on the loose file works in its folder: the server answers sea.status there
  local status = client:request_sync(
    "workspace/executeCommand",
    { command = "sea.status", arguments = { { uri = vim.uri_from_bufnr(buf) } } },
    5000
  )
  results.status_err = status and status.err and status.err.message or vim.NIL
  results.finished = true
end)
